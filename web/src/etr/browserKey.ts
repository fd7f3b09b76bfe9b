// A signing key that lives in this browser: an ECDSA P-256 key made with
// WebCrypto, its private half not extractable, kept in IndexedDB per
// organisation. Its public JWK is registered as one of the organisation's
// etr party keys (POST /v1/etr/parties/{org}/keys), and actions are signed
// here as compact JWS (ES256, kid = the server's RFC 7638 thumbprint), so
// the server never sees the private key.
//
// WebCrypto needs a secure context (https, or http on localhost).

import { request } from '../api';

export interface BrowserKey {
  org: string;
  thumbprint: string;
  privateKey: CryptoKey;
}

interface PartyKey {
  id: string;
  thumbprint: string;
}

const DB = 'digitrade-keys';
const STORE = 'etr';

export function browserSigningAvailable(): boolean {
  return typeof window !== 'undefined' && window.isSecureContext && !!window.crypto?.subtle && !!window.indexedDB;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const req = run(db.transaction(STORE, mode).objectStore(STORE));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

/** This browser's key for `org`, if one was made here. */
export async function loadBrowserKey(org: string): Promise<BrowserKey | null> {
  const k = await withStore<BrowserKey | undefined>('readonly', (s) => s.get(org));
  return k ?? null;
}

/** Makes a key here, registers its public half for `org`, and keeps it. */
export async function createBrowserKey(org: string): Promise<BrowserKey> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const registered = await request<PartyKey>(`/v1/etr/parties/${encodeURIComponent(org)}/keys`, {
    method: 'POST',
    body: { public_jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } },
  });
  const key: BrowserKey = { org, thumbprint: registered.thumbprint, privateKey: pair.privateKey };
  await withStore('readwrite', (s) => s.put(key, org));
  return key;
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A compact JWS (ES256) over the exact payload bytes the server prepared. */
export async function signJws(key: BrowserKey, payload: string): Promise<string> {
  const enc = new TextEncoder();
  const header = base64url(enc.encode(JSON.stringify({ alg: 'ES256', kid: key.thumbprint })));
  const input = `${header}.${base64url(enc.encode(payload))}`;
  // WebCrypto's ECDSA signature is r || s, the form JWS uses.
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, enc.encode(input));
  return `${input}.${base64url(new Uint8Array(sig))}`;
}
