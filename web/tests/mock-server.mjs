// A stand-in for `digitrade serve` for portal work without the C++ server:
// serves web/dist and answers the few endpoints the portal shell uses, with
// the same shapes (and RFC 9457 problem+json errors) as the real server.
//
//   node tests/mock-server.mjs [--listen 127.0.0.1:0] [--port-file FILE] [--token-file FILE] [--page-size N]
//
// It prints the URL and the admin token. Not a test of the server: the
// browser test's real target is the digitrade binary.

import { createServer } from 'node:http';
import { readFile, writeFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const [host, portText] = opt('--listen', '127.0.0.1:0').split(':');
const portFile = opt('--port-file', '');
const tokenFile = opt('--token-file', '');
const pageSize = Number(opt('--page-size', '50'));
const root = fileURLToPath(new URL('../dist/', import.meta.url));

// Like the server's: "dt_" and 43 base64url characters.
const token = `dt_${randomBytes(32).toString('base64url')}`;
const startedAt = new Date();
let requestsTotal = 0;

const organisations = [
  { id: 'org_01demo0001', name: '天津港集装箱码头有限公司', identifier_scheme: 'uscc', identifier: '91120116MA05K3XQ2B', country: 'CN', created_at: '2026-11-28T09:00:00.000Z' },
  { id: 'org_01demo0002', name: 'Hebei Digital Trade Bank', identifier_scheme: 'lei', identifier: '5493001KJTIIGC8Y1R12', country: 'CN', created_at: '2026-11-28T09:00:01.000Z' },
  { id: 'org_01demo0003', name: 'Rotterdam Forwarding B.V.', identifier_scheme: 'lei', identifier: '724500VKKSH9QOLTFR81', country: 'NL', created_at: '2026-11-28T09:00:02.000Z' },
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

function json(res, status, body, type = 'application/json') {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(text);
}

function problem(res, status, slug, title, detail) {
  json(res, status, { type: `urn:digitrade:problem:${slug}`, title, status, detail }, 'application/problem+json');
}

function authenticated(req, res) {
  const header = req.headers.authorization || '';
  if (!header.startsWith('Bearer ')) {
    problem(res, 401, 'unauthenticated', 'Unauthenticated', 'missing bearer token');
    return false;
  }
  const presented = header.slice(7);
  if (!/^dt_[A-Za-z0-9_-]{43}$/.test(presented)) {
    problem(res, 401, 'unauthenticated', 'Authentication required', 'malformed API token: expected dt_ and 43 characters');
    return false;
  }
  if (presented !== token) {
    problem(res, 401, 'unauthenticated', 'Authentication required', 'unknown, revoked or expired API token');
    return false;
  }
  return true;
}

async function serveFile(res, path) {
  const rel = path === '/' ? 'index.html' : decodeURIComponent(path.slice(1));
  const file = normalize(join(root, rel));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return problem(res, 404, 'not-found', 'Not Found', 'no such file');
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    const body = await readFile(file);
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    problem(res, 404, 'not-found', 'Not Found', `no resource at ${path}`);
  }
}

/** One page of `items` (ordered by id) after the cursor `after`. */
function page(items, query) {
  const limit = Math.min(500, Math.max(1, Number(query.get('limit')) || pageSize));
  const after = query.get('after');
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
  const rest = after ? sorted.filter((o) => o.id > after) : sorted;
  const slice = rest.slice(0, limit);
  return { items: slice, next_cursor: rest.length > limit ? slice[slice.length - 1].id : null };
}

const server = createServer((req, res) => {
  requestsTotal++;
  const url = new URL(req.url || '/', 'http://x');
  const path = url.pathname;
  if (req.method !== 'GET') return problem(res, 405, 'method-not-allowed', 'Method Not Allowed', `${req.method} is not allowed here`);
  switch (path) {
    case '/healthz':
      return json(res, 200, { status: 'ok', version: '0.1.0', database: 'sqlite' });
    case '/v1/me':
      if (!authenticated(req, res)) return;
      return json(res, 200, { user: { id: 'usr_01demoadmin', name: 'admin', roles: ['admin'] }, organisation: null });
    case '/v1/status':
      if (!authenticated(req, res)) return;
      return json(res, 200, {
        version: '0.1.0',
        database: 'sqlite',
        started_at: startedAt.toISOString(),
        uptime_seconds: Math.floor((Date.now() - startedAt.getTime()) / 1000),
        counts: { organisations: organisations.length, users: 4, tokens_active: 2 },
        http: { requests_total: requestsTotal },
      });
    case '/v1/organisations':
      if (!authenticated(req, res)) return;
      return json(res, 200, page(organisations, url.searchParams));
    default:
      if (path.startsWith('/v1/')) return problem(res, 404, 'not-found', 'Not Found', `no resource at ${path}`);
      return void serveFile(res, path);
  }
});

server.listen(Number(portText || 0), host || '127.0.0.1', async () => {
  const { port } = server.address();
  if (portFile) await writeFile(portFile, `${port}\n`);
  if (tokenFile) await writeFile(tokenFile, `${token}\n`);
  process.stdout.write(`mock digitrade on http://${host}:${port}/ token ${token}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
