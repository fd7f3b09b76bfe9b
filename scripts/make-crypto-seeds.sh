#!/usr/bin/env bash
# Regenerates the seed corpora of the crypto fuzz targets (fuzz/corpus/{jws,
# cms,certificate,xmldsig}) with independent tools: the openssl CLI, xmlsec1
# and Node's jose (tests/interop). Seeds are committed; run this only to
# refresh them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/fuzz/corpus"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

mkdir -p "$corpus"/{jws,cms,certificate,xmldsig}

# A small PKI: ECDSA root, ECDSA leaf, a CRL revoking the leaf.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -sha256 -subj '/C=CN/CN=Seed Root' -days 3650 -out ca.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ee.key 2>/dev/null
openssl req -new -key ee.key -subj '/C=CN/O=Seed/CN=Seed Signer' -out ee.csr
openssl x509 -req -in ee.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
  -out ee.pem 2>/dev/null
touch index.txt; echo 01 > crlnumber
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=7\n' > ca.cnf
openssl ca -config ca.cnf -keyfile ca.key -cert ca.pem -revoke ee.pem 2>/dev/null
openssl ca -config ca.cnf -keyfile ca.key -cert ca.pem -gencrl -out crl.pem 2>/dev/null

c="$corpus/certificate"
openssl x509 -in ee.pem -outform DER -out "$c/leaf.der"
cat ee.pem ca.pem > "$c/chain.pem"
openssl crl -in crl.pem -outform DER -out "$c/crl.der"
openssl pkey -in ee.key -pubout -outform DER -out "$c/spki.der"
openssl genpkey -algorithm SM2 -out "$c/sm2-pkcs8.pem" 2>/dev/null
openssl genpkey -algorithm ED25519 -outform DER -out "$c/ed25519-pkcs8.der"

# CMS: CAdES-BES detached (DER and PEM), and RFC 3161 request/response.
echo doc | tr -d '\n' > doc
openssl cms -sign -binary -cades -md sha256 -in doc -signer ee.pem -inkey ee.key -certfile ca.pem \
  -outform DER -out "$corpus/cms/cades.der"
openssl cms -sign -binary -in doc -signer ee.pem -inkey ee.key -outform PEM -out "$corpus/cms/cms.pem"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out tsa.key 2>/dev/null
openssl req -new -key tsa.key -subj '/CN=Seed TSA' -out tsa.csr
printf 'extendedKeyUsage=critical,timeStamping\n' > tsa.ext
openssl x509 -req -in tsa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -sha256 \
  -extfile tsa.ext -out tsa.pem 2>/dev/null
printf '[tsa]\ndefault_tsa=t\n[t]\nserial=serial\nsigner_cert=tsa.pem\nsigner_key=tsa.key\nsigner_digest=sha256\ndefault_policy=1.2.3.4.1\ndigests=sha256\ness_cert_id_alg=sha256\n' > tsa.cnf
echo 01 > serial
openssl ts -query -data doc -sha256 -cert -out req.tsq
openssl ts -reply -config tsa.cnf -queryfile req.tsq -out "$corpus/cms/ts-response.der" 2>/dev/null
openssl ts -reply -config tsa.cnf -queryfile req.tsq -token_out -out "$corpus/cms/ts-token.der" 2>/dev/null

# XML: an xmlsec1-signed invoice and an ETSI trusted list.
cat > tmpl.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>1</ID><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature></Invoice>
XML
xmlsec1 --sign --privkey-pem ee.key,ee.pem --output "$corpus/xmldsig/invoice.xml" tmpl.xml
cert_b64="$(openssl x509 -in ca.pem -outform DER | base64 -w0)"
cat > "$corpus/xmldsig/trusted-list.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#"><SchemeInformation><TSLSequenceNumber>1</TSLSequenceNumber><SchemeOperatorName><Name xml:lang="en">Seed</Name></SchemeOperatorName><SchemeTerritory>CN</SchemeTerritory><NextUpdate><dateTime>2030-01-01T00:00:00Z</dateTime></NextUpdate></SchemeInformation><TrustServiceProviderList><TrustServiceProvider><TSPServices><TSPService><ServiceInformation><ServiceName><Name xml:lang="en">Seed CA</Name></ServiceName><ServiceDigitalIdentity><DigitalId><X509Certificate>$cert_b64</X509Certificate></DigitalId></ServiceDigitalIdentity><ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</ServiceStatus></ServiceInformation></TSPService></TSPServices></TrustServiceProvider></TrustServiceProviderList></TrustServiceStatusList>
XML

# JWS: RFC examples and jose-made general/flattened/b64=false objects with x5c.
j="$corpus/jws"
printf '%s' 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q' > "$j/rfc7515-a3.txt"
printf '%s' 'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg' > "$j/rfc8037-a4.txt"
x5c="$(openssl x509 -in ee.pem -outform DER | base64 -w0)"
(cd "$root/tests/interop" && node --input-type=module -e "
import * as jose from 'jose';
import { readFileSync, writeFileSync } from 'node:fs';
const key = await jose.importPKCS8(readFileSync('$work/ee.key', 'utf8').replace('EC PRIVATE', 'PRIVATE'), 'ES256').catch(async () => (await jose.generateKeyPair('ES256')).privateKey);
const payload = new TextEncoder().encode('{\"a\":1}');
const g = await new jose.GeneralSign(payload).addSignature(key).setProtectedHeader({ alg: 'ES256', x5c: ['$x5c'], sigT: '2027-01-01T00:00:00Z' }).done().sign();
writeFileSync('$j/general.json', JSON.stringify(g));
const f = await new jose.FlattenedSign(payload).setProtectedHeader({ alg: 'ES256', b64: false, crit: ['b64'] }).sign(key);
writeFileSync('$j/unencoded.json', JSON.stringify(f));
")
printf '%s' '{"b":[1,2.5e10,"\u20ac",{"a":null}],"a":true}' > "$j/jcs.json"
echo "seeds written to $corpus"
