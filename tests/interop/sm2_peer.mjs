// Interop peer for SM2 with SM3: the `sm-crypto` npm package, an SM2
// implementation independent of OpenSSL. Default user ID 1234567812345678
// (GB/T 35276), Z value and SM3 pre-hash computed by sm-crypto ({hash:true}).
// One JSON request on stdin, one JSON answer on stdout; exit 1 when a
// verification fails.
//
//   {"op":"sign","d":"<hex>","x":"<hex>","y":"<hex>","message":"<base64url>","der":bool}
//     -> {"signature":"<hex>"}  (r||s, 64 bytes, or DER when der is true)
//   {"op":"verify","x":"<hex>","y":"<hex>","message":"<base64url>","signature":"<hex>","der":bool}
//     -> {"valid":true}
//   {"op":"sign-jws","d":...,"x":...,"y":...,"payload":"<base64url>"} -> {"jws":"..."}
//   {"op":"verify-jws","x":...,"y":...,"jws":"..."} -> {"payload":"<base64url>"}
import sm from 'sm-crypto';

const { sm2 } = sm;
const bytes = (b64u) => Array.from(Buffer.from(b64u, 'base64url'));
const pub = (req) => `04${req.x}${req.y}`;

function sign(req, message) {
  return sm2.doSignature(message, req.d, { hash: true, der: !!req.der, publicKey: pub(req) });
}

function verify(req, message, signature) {
  return sm2.doVerifySignature(message, signature, pub(req), { hash: true, der: !!req.der });
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const req = JSON.parse(input);
const ascii = (s) => Array.from(Buffer.from(s, 'latin1'));

switch (req.op) {
  case 'sign':
    process.stdout.write(JSON.stringify({ signature: sign(req, bytes(req.message)) }));
    break;
  case 'verify': {
    const ok = verify(req, bytes(req.message), req.signature);
    process.stdout.write(JSON.stringify({ valid: ok }));
    process.exit(ok ? 0 : 1);
    break;
  }
  case 'sign-jws': {
    const header = Buffer.from(JSON.stringify({ alg: 'SM2' })).toString('base64url');
    const input = `${header}.${req.payload}`;
    const sig = Buffer.from(sign(req, ascii(input)), 'hex').toString('base64url');
    process.stdout.write(JSON.stringify({ jws: `${input}.${sig}` }));
    break;
  }
  case 'verify-jws': {
    const [h, p, s] = req.jws.split('.');
    const hdr = JSON.parse(Buffer.from(h, 'base64url'));
    const ok = hdr.alg === 'SM2' && verify(req, ascii(`${h}.${p}`),
                                           Buffer.from(s, 'base64url').toString('hex'));
    process.stdout.write(JSON.stringify(ok ? { payload: p } : { error: 'SM2 JWS does not verify' }));
    process.exit(ok ? 0 : 1);
    break;
  }
  default:
    process.stdout.write(JSON.stringify({ error: `unknown op ${req.op}` }));
    process.exit(2);
}
