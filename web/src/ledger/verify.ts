// Checking the evidence log in the browser, without trusting the server:
// C2SP signed-note checkpoints (Ed25519 through WebCrypto), and RFC 9162
// inclusion proofs (SHA-256 through WebCrypto). The same rules as the
// server's C++ (src/ledger/merkle.cc, note.cc) and docs/ledger-format.md.

const te = new TextEncoder();

export function fromBase64(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  try {
    return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

export function toBase64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

/** RFC 9162 leaf hash: SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256(new Uint8Array([0]), leaf);
}

/** The Merkle leaf of a log entry: kind, a newline, the data. */
export function entryLeaf(kind: string, data: Uint8Array): Uint8Array {
  const k = te.encode(`${kind}\n`);
  const leaf = new Uint8Array(k.length + data.length);
  leaf.set(k);
  leaf.set(data, k.length);
  return leaf;
}

/**
 * RFC 9162 §2.1.3.2: whether `proof` shows that `leaf` is entry `index` of
 * the tree of `size` entries whose root is `root`.
 */
export async function verifyInclusion(
  index: bigint,
  size: bigint,
  leaf: Uint8Array,
  proof: Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (index >= size || leaf.length !== 32 || proof.some((p) => p.length !== 32)) return false;
  const node = new Uint8Array([1]);
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(node, p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await sha256(node, r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equal(r, root);
}

export interface Checkpoint {
  origin: string;
  size: bigint;
  root: Uint8Array;
}

/** C2SP tlog-checkpoint note text; null when malformed. */
export function parseCheckpoint(text: string): Checkpoint | null {
  if (!text.endsWith('\n')) return null;
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines[0] === '' || !/^(0|[1-9][0-9]*)$/.test(lines[1] ?? '')) return null;
  const root = fromBase64(lines[2] ?? '');
  if (root === null || root.length !== 32) return null;
  if (lines.slice(3).some((l) => l === '')) return null;
  return { origin: lines[0] ?? '', size: BigInt(lines[1] ?? '0'), root };
}

export interface VerifierKey {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
}

async function keyId(name: string, publicKey: Uint8Array): Promise<number> {
  const h = await sha256(te.encode(name), new Uint8Array([0x0a, 0x01]), publicKey);
  return ((h[0] ?? 0) << 24 | (h[1] ?? 0) << 16 | (h[2] ?? 0) << 8 | (h[3] ?? 0)) >>> 0;
}

/** A verifier key "name+hash+base64(0x01 || key)"; null if malformed or the hash is wrong. */
export async function parseVerifierKey(vkey: string): Promise<VerifierKey | null> {
  const m = /^([^+\s]+)\+([0-9a-fA-F]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  if (!m) return null;
  const raw = fromBase64(m[3] ?? '');
  if (raw === null || raw.length !== 33 || raw[0] !== 0x01) return null;
  const key: VerifierKey = { name: m[1] ?? '', keyId: parseInt(m[2] ?? '', 16), publicKey: raw.slice(1) };
  return (await keyId(key.name, key.publicKey)) === key.keyId ? key : null;
}

export type SignatureVerdict = 'valid' | 'invalid' | 'missing' | 'unsupported';

export interface OpenedCheckpoint {
  checkpoint: Checkpoint | null;
  signature: SignatureVerdict;
}

/**
 * Opens a signed checkpoint with the log's key: parses the note and checks
 * the signature by that key. 'unsupported' when this browser's WebCrypto has
 * no Ed25519 (then only the proof is checked).
 */
export async function openCheckpoint(note: string, key: VerifierKey): Promise<OpenedCheckpoint> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return { checkpoint: null, signature: 'missing' };
  const text = note.slice(0, split + 1);
  const checkpoint = parseCheckpoint(text);
  const prefix = `\u2014 ${key.name} `;
  for (const line of note.slice(split + 2, -1).split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const sig = fromBase64(line.slice(prefix.length));
    if (sig === null || sig.length !== 68) continue;
    const id = ((sig[0] ?? 0) << 24 | (sig[1] ?? 0) << 16 | (sig[2] ?? 0) << 8 | (sig[3] ?? 0)) >>> 0;
    if (id !== key.keyId) continue;
    try {
      const k = await crypto.subtle.importKey('raw', key.publicKey.slice(), { name: 'Ed25519' }, false, ['verify']);
      const ok = await crypto.subtle.verify({ name: 'Ed25519' }, k, sig.slice(4), te.encode(text));
      return { checkpoint, signature: ok ? 'valid' : 'invalid' };
    } catch {
      return { checkpoint, signature: 'unsupported' };
    }
  }
  return { checkpoint, signature: 'missing' };
}
