// Interop peer for crypto/jws_interop_test.cc: Node's `jose` package, an
// implementation independent of ours. Reads one JSON request on stdin,
// writes one JSON answer on stdout (or an array of each); for a single
// request the exit code is 0 on success, 1 on a failed verification, 2 on
// a failed signing.
//
//   {"op":"sign","jwk":{...private...},"alg":"ES256","payload":"<base64url>",
//    "form":"compact"|"flattened"|"general","detached":bool,"b64":bool}
//     -> {"jws":"..."}            (compact string or JSON serialisation text)
//   {"op":"verify","jwk":{...public...},"jws":"...","payload":"<base64url>"?}
//     -> {"payload":"<base64url>","alg":"..."}
import * as jose from 'jose';

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const unb64u = (s) => new Uint8Array(Buffer.from(s, 'base64url'));

async function sign(req) {
  const key = await jose.importJWK(req.jwk, req.alg);
  const payload = unb64u(req.payload);
  const header = { alg: req.alg };
  if (req.b64 === false) Object.assign(header, { b64: false, crit: ['b64'] });
  let out;
  if (req.form === 'compact') {
    out = await new jose.CompactSign(payload).setProtectedHeader(header).sign(key);
    if (req.detached) {
      const [h, , s] = out.split('.');
      out = `${h}..${s}`;
    }
    return { jws: out };
  }
  if (req.form === 'general') {
    const g = await new jose.GeneralSign(payload)
      .addSignature(key).setProtectedHeader(header).done().sign();
    if (req.detached) delete g.payload;
    return { jws: JSON.stringify(g) };
  }
  const f = await new jose.FlattenedSign(payload).setProtectedHeader(header).sign(key);
  if (req.detached) delete f.payload;
  return { jws: JSON.stringify(f) };
}

async function verify(req) {
  const key = await jose.importJWK(req.jwk, req.jwk.kty === 'OKP' ? 'EdDSA' : undefined);
  const opts = { crit: { b64: true } };
  let text = req.jws;
  let result;
  if (text.trim().startsWith('{')) {
    const obj = JSON.parse(text);
    if (req.payload !== undefined && obj.payload === undefined) {
      const hdr = JSON.parse(Buffer.from((obj.protected ?? obj.signatures[0].protected), 'base64url'));
      obj.payload = hdr.b64 === false ? Buffer.from(req.payload, 'base64url').toString('latin1')
                                      : req.payload;
    }
    result = obj.signatures ? await jose.generalVerify(obj, key, opts)
                            : await jose.flattenedVerify(obj, key, opts);
  } else {
    if (req.payload !== undefined) {
      const [h, p, s] = text.split('.');
      if (p === '') {
        const hdr = JSON.parse(Buffer.from(h, 'base64url'));
        const detached = hdr.b64 === false ? unb64u(req.payload) : req.payload;
        result = await jose.flattenedVerify({ protected: h, payload: detached, signature: s }, key, opts);
        return { payload: b64u(result.payload), alg: result.protectedHeader.alg };
      }
      text = `${h}.${p}.${s}`;
    }
    result = await jose.compactVerify(text, key, opts);
  }
  return { payload: b64u(result.payload), alg: result.protectedHeader.alg };
}

async function run(req) {
  try {
    return req.op === 'sign' ? await sign(req) : await verify(req);
  } catch (e) {
    return { error: `${e.code ?? ''} ${e.message}` };
  }
}

// One request, or an array of them answered in order (one node start for
// many cases). The exit code reflects a single request only.
let input = '';
for await (const chunk of process.stdin) input += chunk;
const req = JSON.parse(input);
if (Array.isArray(req)) {
  const out = [];
  for (const r of req) out.push(await run(r));
  process.stdout.write(JSON.stringify(out));
} else {
  const out = await run(req);
  process.stdout.write(JSON.stringify(out));
  if (out.error) process.exit(req.op === 'verify' ? 1 : 2);
}
