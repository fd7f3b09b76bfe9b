// The portal's one door to the server. Every call goes through `request`,
// which adds the bearer token, turns RFC 9457 problem+json answers (and any
// other failure) into an `ApiError`, and signs the user out on 401.

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
}

export type ApiErrorKind =
  /** The server answered with a problem+json body. */
  | 'problem'
  /** The server answered with an error status but no problem details. */
  | 'http'
  /** The request never got an answer (server down, network, CORS). */
  | 'network'
  /** The server answered 2xx but the body was not the JSON expected. */
  | 'bad-response';

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  /** HTTP status, or 0 when there was no answer. */
  readonly status: number;
  readonly problem: Problem | null;
  /** The problem's whole body, extension members included (e.g. an e-invoice report). */
  readonly body: Record<string, unknown> | null;

  constructor(
    kind: ApiErrorKind,
    status: number,
    problem: Problem | null,
    message: string,
    body: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.problem = problem;
    this.body = body;
  }
}

// ---- Types of the server's answers -------------------------------------

export interface Health {
  status: string;
  version: string;
  database: string;
}

export interface Status {
  version: string;
  database: string;
  started_at: string;
  uptime_seconds: number;
  counts: { organisations: number; users: number; tokens_active: number };
  http: { requests_total: number };
}

export interface User {
  id: string;
  name: string;
  roles: string[];
}

export interface Organisation {
  id: string;
  name: string;
  identifier_scheme: 'uscc' | 'lei' | string;
  identifier: string;
  country: string;
  created_at: string;
}

export interface Me {
  user: User;
  organisation: Organisation | null;
}

/** One page of a list, ordered by id; `next_cursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PageQuery {
  /** 1–500; the server's default is 50. */
  limit?: number;
  /** The `next_cursor` of the previous page. */
  after?: string;
}

function withQuery(path: string, query: PageQuery): string {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.after !== undefined) params.set('after', query.after);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

// ---- Session ----------------------------------------------------------

const TOKEN_KEY = 'digitrade.token';

export type SignOutReason = 'user' | 'expired';
type SignOutListener = (reason: SignOutReason) => void;
const signOutListeners = new Set<SignOutListener>();

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string): void {
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Without session storage the user signs in again after a reload.
  }
}

/** Forgets the token and tells the app (which then shows the sign-in page). */
export function signOut(reason: SignOutReason = 'user'): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing stored.
  }
  for (const listener of signOutListeners) listener(reason);
}

/** Registers a listener for sign-outs; returns a function that removes it. */
export function onSignOut(listener: SignOutListener): () => void {
  signOutListeners.add(listener);
  return () => signOutListeners.delete(listener);
}

// ---- Requests -----------------------------------------------------------

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON-serialised as the request body. */
  body?: unknown;
  /** Sent as is instead of `body`, with this content type (e.g. an XML document). */
  raw?: { text: string; contentType: string };
  /** Send the stored token (default true). */
  auth?: boolean;
  /** Use this token instead of the stored one, and do not sign out on 401. */
  token?: string;
  signal?: AbortSignal;
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['title'] === 'string' || typeof v['detail'] === 'string';
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return null;
  return JSON.parse(text) as unknown;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', body, raw, auth = true, token, signal } = options;
  const headers: Record<string, string> = { Accept: 'application/json' };
  const bearer = token ?? (auth ? getToken() : null);
  if (bearer) headers['Authorization'] = `Bearer ${bearer}`;
  const init: RequestInit = { method, headers, cache: 'no-store', credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  } else if (raw !== undefined) {
    headers['Content-Type'] = raw.contentType;
    init.body = raw.text;
  }
  if (signal) init.signal = signal;

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError('network', 0, null, `${method} ${path}: no answer`);
  }

  if (!response.ok) {
    let problem: Problem | null = null;
    let problemBody: Record<string, unknown> | null = null;
    try {
      const parsed = await readJson(response);
      if (isProblem(parsed)) {
        problemBody = parsed as unknown as Record<string, unknown>;
        problem = {
          type: typeof parsed.type === 'string' ? parsed.type : 'about:blank',
          title: parsed.title ?? response.statusText,
          status: typeof parsed.status === 'number' ? parsed.status : response.status,
          ...(typeof parsed.detail === 'string' ? { detail: parsed.detail } : {}),
          ...(typeof parsed.instance === 'string' ? { instance: parsed.instance } : {}),
        };
      }
    } catch {
      // Not JSON: keep the bare status.
    }
    // A 401 on the stored token means the session is over.
    if (response.status === 401 && token === undefined && auth && getToken() !== null) {
      signOut('expired');
    }
    const message = problem?.detail ?? problem?.title ?? `${method} ${path}: HTTP ${response.status}`;
    throw new ApiError(problem ? 'problem' : 'http', response.status, problem, message, problemBody);
  }

  try {
    return (await readJson(response)) as T;
  } catch {
    throw new ApiError('bad-response', response.status, null, `${method} ${path}: response is not JSON`);
  }
}

// ---- Endpoints ----------------------------------------------------------

/** GET /log/{log}: an evidence log (see docs/ledger-format.md). */
export interface LogSummary {
  name: string;
  origin: string;
  hash: string;
  verifier_key: string;
  size: number;
  checkpoint: string;
}

export interface InclusionProof {
  tree_size: number;
  index: number;
  leaf_hash: string;
  proof: string[];
}

export interface LogEntry {
  index: number;
  kind: string;
  data_base64: string;
  leaf_hash: string;
}

/** The platform's signature validation report (ETSI TS 119 102-2 style). */
export interface ValidationReport {
  indication: 'TOTAL_PASSED' | 'TOTAL_FAILED' | 'INDETERMINATE';
  subIndication?: string;
  format: string;
  algorithm?: string;
  signer?: string;
  signingTime?: number;
  signingTimeSource?: 'claimed' | 'timestamp';
  trustAnchor?: { subject: string; sha256: string; trustList: string; jurisdiction: string; service: string };
  messages: string[];
  validationTime: number;
}

/** One rule firing of an e-invoice validation (docs/einvoice.md). */
export interface EinvoiceFiring {
  id: string;
  flag: 'fatal' | 'warning';
  /** XPath of the rule's context node, the root written as a star: "/" "*" "/cac:LegalMonetaryTotal". */
  location: string;
  message: string;
}

export interface EinvoiceReport {
  verdict: 'clean' | 'warnings' | 'fatal' | 'crash';
  syntax: string;
  customization_id: string;
  rule_sets: { name: string; crash: boolean; crash_reason?: string; firings: EinvoiceFiring[] }[];
}

/** A registered e-invoice (POST/GET /v1/einvoices). */
export interface EinvoiceRegistration {
  id: string;
  invoice_number: string;
  issue_date: string;
  seller: string;
  buyer: string;
  total: string;
  currency: string;
  verdict: string;
  signed_sha256: string;
  registered_at: string;
  log: { name: string; index: number; leaf_hash: string; checkpoint: string } | null;
  report?: EinvoiceReport;
}

/** The e-invoice rule sets the server knows (trade/einvoice/validator.h). */
export const EINVOICE_RULE_SETS = [
  'CEN-UBL-1.3.16',
  'CEN-CII-1.3.16',
  'PEPPOL-UBL-3.0.19',
  'PEPPOL-CII-3.0.19',
  'CEN-UBL-1.3.14.1',
  'CEN-CII-1.3.14.1',
] as const;

function rulesQuery(rules: readonly string[]): string {
  return rules.length > 0 ? `?rules=${encodeURIComponent(rules.join(','))}` : '';
}

export const api = {
  health: (signal?: AbortSignal) =>
    request<Health>('/healthz', { auth: false, ...(signal ? { signal } : {}) }),
  status: (signal?: AbortSignal) => request<Status>('/v1/status', signal ? { signal } : {}),
  /** With `token`, checks a token that is not stored yet (sign-in). */
  me: (token?: string) => request<Me>('/v1/me', token !== undefined ? { token } : {}),
  organisations: (query: PageQuery = {}, signal?: AbortSignal) =>
    request<Page<Organisation>>(withQuery('/v1/organisations', query), signal ? { signal } : {}),
  // The evidence log is public: no token, so anyone can check it.
  log: (name: string, signal?: AbortSignal) =>
    request<LogSummary>(`/log/${encodeURIComponent(name)}`, { auth: false, ...(signal ? { signal } : {}) }),
  logEntry: (name: string, index: number) =>
    request<LogEntry>(`/log/${encodeURIComponent(name)}/entry/${index}`, { auth: false }),
  verifySignature: (body: { signature_base64: string; content_base64?: string }) =>
    request<ValidationReport>('/v1/signatures/verify', { method: 'POST', body }),
  validateEinvoice: (xml: string, rules: readonly string[]) =>
    request<EinvoiceReport>(`/v1/einvoices/validate${rulesQuery(rules)}`, {
      method: 'POST',
      raw: { text: xml, contentType: 'application/xml' },
    }),
  registerEinvoice: (xml: string, rules: readonly string[]) =>
    request<EinvoiceRegistration>(`/v1/einvoices${rulesQuery(rules)}`, {
      method: 'POST',
      raw: { text: xml, contentType: 'application/xml' },
    }),
  einvoices: (query: PageQuery = {}) => request<Page<EinvoiceRegistration>>(withQuery('/v1/einvoices', query)),
  inclusionProof: (name: string, index: number, treeSize: number) =>
    request<InclusionProof>(
      `/log/${encodeURIComponent(name)}/proof/inclusion?index=${index}&tree_size=${treeSize}`,
      { auth: false },
    ),
};
