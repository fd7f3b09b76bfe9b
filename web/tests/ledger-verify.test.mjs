// Unit test of src/ledger/verify.ts in Node (18+): the transparency-dev/merkle
// inclusion vectors in ../shared/testdata/tlog (every positive accepted,
// every negative rejected) and the golang.org/x/mod/sumdb/note published
// known answer for a signed note. The TypeScript is compiled with the
// esbuild that Vite ships.
//
//   node tests/ledger-verify.test.mjs

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webcrypto } from 'node:crypto';
import { transform } from 'esbuild';

if (!globalThis.crypto) globalThis.crypto = webcrypto;

const here = fileURLToPath(new URL('.', import.meta.url));
const source = readFileSync(join(here, '../src/ledger/verify.ts'), 'utf8');
const { code } = await transform(source, { loader: 'ts', format: 'esm' });
const v = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);

let failed = 0;
let passed = 0;
function check(ok, what) {
  if (ok) passed++;
  else {
    failed++;
    process.stdout.write(`FAIL ${what}\n`);
  }
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.json')) yield p;
  }
}

const vectors = join(here, '../../../shared/testdata/tlog/inclusion');
let positives = 0;
for (const file of files(vectors)) {
  const text = readFileSync(file, 'utf8');
  const bigints = text.replace(/("(?:leafIdx|treeSize)":\s*)(\d+)/g, '$1"$2"');
  const t = JSON.parse(bigints);
  const dec = (s) => Uint8Array.from(Buffer.from(s, 'base64'));
  const ok = await v.verifyInclusion(
    BigInt(t.leafIdx),
    BigInt(t.treeSize),
    dec(t.leafHash),
    (t.proof ?? []).map(dec),
    dec(t.root),
  );
  check(ok === !t.wantErr, `${file}: got ${ok}`);
  if (!t.wantErr) positives++;
}
check(positives > 0, 'positive vectors ran');

const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const note =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n" +
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const key = await v.parseVerifierKey(vkey);
check(key !== null && key.keyId === 0xc74f20a3, 'verifier key parses');
check((await v.parseVerifierKey(vkey.replace('c74f20a3', 'c74f20a4'))) === null, 'wrong key hash rejected');
check((await v.openCheckpoint(note, key)).signature === 'valid', 'Go known-answer note verifies');
check((await v.openCheckpoint(note.replace('If', 'if'), key)).signature === 'invalid', 'tampered note fails');

const cp = v.parseCheckpoint('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n');
check(cp !== null && cp.size === 20852163n, 'spec checkpoint parses');
check(v.parseCheckpoint('o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n') === null, 'leading zero rejected');
check(v.parseCheckpoint('o\n1\nAAAA\n') === null, 'short root rejected');

process.stdout.write(`ledger-verify: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
