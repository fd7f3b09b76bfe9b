// End-to-end browser test of the portal against a running digitrade server.
//
//   DIGITRADE_URL=http://127.0.0.1:41234 DIGITRADE_TOKEN=dt_... node tests/portal.test.mjs
//
// Plain Node ESM (Node 18+), no test runner: playwright-core drives Debian's
// chromium (CHROMIUM, default /usr/bin/chromium); no browser is downloaded.
// Every step asserts and prints one line; on failure a screenshot goes to
// web/test-results/ and the exit code is 1. An overall timer guarantees the
// script never hangs.

import { mkdirSync, existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const OVERALL_TIMEOUT_MS = Number(process.env.PORTAL_TEST_TIMEOUT_MS || 120_000);
const STEP_TIMEOUT_MS = 15_000;
const RESULTS_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));
// Committed test invoices (tests/einvoice/data), so the test runs from a fresh clone.
const INVOICES_DIR = fileURLToPath(new URL('../../tests/einvoice/data/', import.meta.url));

const baseUrl = (process.env.DIGITRADE_URL || '').replace(/\/+$/, '');
const token = process.env.DIGITRADE_TOKEN || '';
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

let browser = null;
let page = null;
let passed = 0;
let failed = 0;
let finished = false;

function log(line) {
  process.stdout.write(`${line}\n`);
}

async function screenshot(label) {
  if (!page) return;
  try {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = `${RESULTS_DIR}portal-${label}-${new Date().toISOString().replace(/[:.]/g, '-')}.png`;
    await page.screenshot({ path: file, fullPage: true, timeout: 5_000 });
    log(`# screenshot: ${file}`);
  } catch (e) {
    log(`# screenshot failed: ${e?.message ?? e}`);
  }
}

async function closeBrowser() {
  const b = browser;
  browser = null;
  if (b) {
    await Promise.race([b.close().catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
  }
}

async function finish(code) {
  if (finished) return new Promise(() => {});
  finished = true;
  clearTimeout(guard);
  await closeBrowser();
  log(`${passed} passed, ${failed} failed`);
  process.exit(code);
}

// Overall guard: whatever happens, the script ends.
const guard = setTimeout(async () => {
  log(`not ok - overall timeout of ${OVERALL_TIMEOUT_MS} ms reached`);
  failed++;
  await Promise.race([screenshot('timeout'), new Promise((r) => setTimeout(r, 5_000))]);
  await finish(1);
}, OVERALL_TIMEOUT_MS);

process.on('unhandledRejection', async (e) => {
  log(`not ok - unhandled rejection: ${e?.stack ?? e}`);
  failed++;
  await screenshot('unhandled');
  await finish(1);
});

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Runs one step; a failing step ends the test (later steps depend on it). */
async function step(name, fn) {
  // Once the test is ending (failure or overall timeout), no step runs.
  const halt = () => new Promise(() => {});
  if (finished) return halt();
  let timer;
  try {
    const detail = await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`step timed out after ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
      }),
    ]);
    if (finished) return halt();
    passed++;
    log(`ok ${passed} - ${name}${detail ? ` (${detail})` : ''}`);
  } catch (e) {
    if (finished) return halt();
    failed++;
    log(`not ok ${passed + failed} - ${name}`);
    log(`# ${String(e?.message ?? e).split('\n').join('\n# ')}`);
    await screenshot(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 40));
    await finish(1);
  } finally {
    clearTimeout(timer);
  }
}

/** GET a JSON document from the server directly (not through the page). */
async function getJson(path, bearer) {
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const response = await fetch(`${baseUrl}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new Error(`GET ${path}: answer is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, contentType: response.headers.get('content-type') || '', body };
}

/** POST a JSON body to the server directly (not through the page). */
async function postJson(path, payload, bearer) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

/** Any request with a JSON answer, directly to the server. */
async function callJson(method, path, bearer, payload) {
  const headers = { Authorization: `Bearer ${bearer}` };
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: payload === undefined ? undefined : JSON.stringify(payload),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

/**
 * A trader of a demo organisation whose server-held ec-p256 key carries a
 * certificate (from a throwaway CA made with the openssl command line), so
 * that it can register e-invoices. Returns the trader's token.
 */
async function makeTrader() {
  const orgs = await getJson('/v1/organisations?limit=1', token);
  assertEqual(orgs.status, 200, 'list organisations');
  const org = orgs.body.items[0];
  assert(org, 'the demo data has an organisation');
  const user = await callJson('POST', '/v1/users', token, {
    name: `einvoice.clerk.${randomBytes(3).toString('hex')}`,
    roles: ['trader'],
    organisation_id: org.id,
  });
  assertEqual(user.status, 201, `create a trader: ${JSON.stringify(user.body)}`);
  const tok = await callJson('POST', '/v1/tokens', token, { user_id: user.body.id, label: 'portal test' });
  assertEqual(tok.status, 201, 'create the trader token');
  const trader = tok.body.token;
  const key = await callJson('POST', `/v1/organisations/${org.id}/signing-keys`, trader, { type: 'ec-p256' });
  assertEqual(key.status, 201, 'create a signing key');
  const dir = mkdtempSync(join(tmpdir(), 'portal-einv-'));
  try {
    const pub = createPublicKey({ key: key.body.public_jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    writeFileSync(join(dir, 'org.pub'), pub);
    const run = (args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key']);
    run(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=Portal Test CA', '-days', '2', '-out', 'ca.pem']);
    run(['x509', '-new', '-force_pubkey', 'org.pub', '-subj', `/CN=${org.name}`, '-CA', 'ca.pem',
      '-CAkey', 'ca.key', '-days', '2', '-out', 'org.pem']);
    const put = await callJson('PUT', `/v1/signing-keys/${key.body.id}/certificate`, trader, {
      certificate_pem: readFileSync(join(dir, 'org.pem'), 'utf8'),
    });
    assertEqual(put.status, 200, `attach the certificate: ${JSON.stringify(put.body)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { trader, org };
}

/** Polls `read` until it returns `expected` (or the timeout), then asserts. */
async function eventually(read, expected, what, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await read();
    if (last === expected || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assertEqual(last, expected, what);
}

const testId = (id) => page.locator(`[data-testid="${id}"]`);
const text = async (locator) => ((await locator.textContent({ timeout: 5_000 })) ?? '').trim();

async function main() {
  await step('environment: DIGITRADE_URL, DIGITRADE_TOKEN and chromium are set', async () => {
    assert(/^https?:\/\//.test(baseUrl), 'DIGITRADE_URL must be set, for example http://127.0.0.1:41234');
    assert(token !== '', 'DIGITRADE_TOKEN must be set to an API token');
    assert(existsSync(executablePath), `no chromium at ${executablePath} (set CHROMIUM)`);
    return `${baseUrl}, ${executablePath}`;
  });

  let health;
  await step('GET /healthz answers ok (fetched by the test)', async () => {
    const r = await getJson('/healthz');
    assertEqual(r.status, 200, 'HTTP status of /healthz');
    health = r.body;
    assertEqual(health?.status, 'ok', '/healthz status');
    assert(typeof health.version === 'string' && health.version !== '', '/healthz has a version');
    return `version ${health.version}, database ${health.database}`;
  });

  await step('launch chromium', async () => {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      timeout: 30_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e?.stack ?? e)));
    return browser.version();
  });

  await step('open the portal: sign-in form, in English', async () => {
    await page.goto(`${baseUrl}/`, { waitUntil: 'load', timeout: 15_000 });
    await page.getByLabel('API token').waitFor({ state: 'visible' });
    assertEqual(await page.getAttribute('html', 'lang'), 'en', 'html lang');
  });

  // Well-formed ("dt_" and 43 base64url characters) but unknown to the server.
  const wrongToken = `dt_${randomBytes(32).toString('base64url')}`;
  await step('sign in with a wrong token: the alert shows the server’s detail', async () => {
    const r = await getJson('/v1/me', wrongToken);
    assertEqual(r.status, 401, 'HTTP status of /v1/me with a wrong token');
    assert(r.contentType.startsWith('application/problem+json'), `content type is ${r.contentType}`);
    const detail = r.body?.detail;
    assert(typeof detail === 'string' && detail !== '', 'the 401 problem has a detail');
    await page.getByLabel('API token').fill(wrongToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    const shown = await text(alert);
    assert(shown.includes(detail), `alert text ${JSON.stringify(shown)} does not contain ${JSON.stringify(detail)}`);
    return JSON.stringify(detail);
  });

  await step('sign in with the right token: status page', async () => {
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    try {
      await page.waitForURL(/#\/status$/);
    } catch (e) {
      const alerts = await page.getByRole('alert').allInnerTexts().catch(() => []);
      throw new Error(`${e.message.split('\n')[0]}${alerts.length ? `; the page shows: ${alerts.join(' | ')}` : ''}`);
    }
    await page.getByRole('heading', { level: 1, name: 'Platform status' }).waitFor();
    const stored = await page.evaluate(() => sessionStorage.getItem('digitrade.token'));
    assertEqual(stored, token, 'token in sessionStorage');
    const me = await getJson('/v1/me', token);
    assertEqual(me.status, 200, 'HTTP status of /v1/me');
    await eventually(() => text(testId('user-name')), `Signed in as ${me.body.user.name}`, 'signed-in user');
    return `user ${me.body.user.name}`;
  });

  await step('status: health shows ok', async () => {
    await eventually(() => testId('health').getAttribute('data-state'), 'ok', 'health state');
    assertEqual(await text(testId('health')), 'ok', 'health text');
  });

  await step('status: version equals GET /healthz version', async () => {
    await eventually(() => text(testId('version')), health.version, 'version text');
    return health.version;
  });

  await step('status: database engine shown', async () => {
    await eventually(() => testId('database').getAttribute('data-engine'), health.database, 'database engine');
    return await text(testId('database'));
  });

  await step('status: count-organisations equals GET /v1/status counts.organisations', async () => {
    const r = await getJson('/v1/status', token);
    assertEqual(r.status, 200, 'HTTP status of /v1/status');
    const expected = r.body.counts.organisations;
    await eventually(
      async () => Number((await text(testId('count-organisations'))).replace(/[^\d]/g, '')),
      expected,
      'count-organisations',
    );
    for (const id of ['count-users', 'count-tokens']) {
      assert(/\d/.test(await text(testId(id))), `${id} shows a number`);
    }
    return String(expected);
  });

  await step('status: requests sparkline appears after polls', async () => {
    await testId('sparkline').waitFor({ state: 'visible', timeout: 13_000 });
    const label = await testId('sparkline').getAttribute('aria-label');
    assert(label && /\d/.test(label), 'sparkline has a descriptive label');
    return label;
  });

  await step('organisations page lists as many rows as GET /v1/organisations', async () => {
    const r = await getJson('/v1/organisations', token);
    assertEqual(r.status, 200, 'HTTP status of /v1/organisations');
    const expected = r.body.items.length;
    await page.getByRole('link', { name: 'Organisations' }).click();
    await page.waitForURL(/#\/organisations$/);
    await testId('org-table').waitFor();
    assertEqual(await page.locator('[data-testid="org-table"] tbody tr').count(), expected, 'organisation rows');
    for (const org of r.body.items) {
      await page.locator('[data-testid="org-table"] tbody').getByText(org.name, { exact: true }).first().waitFor();
    }
    return `${expected} rows${r.body.next_cursor ? ', more pages' : ''}`;
  });

  await step('organisations: "Show more" follows next_cursor to the last page', async () => {
    let all = 0;
    let after = null;
    for (let pages = 0; pages < 50; pages++) {
      const r = await getJson(`/v1/organisations${after ? `?after=${encodeURIComponent(after)}` : ''}`, token);
      assertEqual(r.status, 200, 'HTTP status of /v1/organisations');
      all += r.body.items.length;
      after = r.body.next_cursor;
      if (!after) break;
    }
    const more = testId('org-more');
    for (let clicks = 0; (await more.count()) > 0 && clicks < 50; clicks++) {
      const before = await page.locator('[data-testid="org-table"] tbody tr').count();
      await more.click();
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="org-table"] tbody tr').length > n,
        before,
        { timeout: 10_000 },
      );
    }
    assertEqual(await page.locator('[data-testid="org-table"] tbody tr').count(), all, 'rows after all pages');
    return `${all} in all`;
  });

  await step('evidence log page: size and checkpoint as GET /log/evidence says', async () => {
    const summary = (await getJson('/log/evidence')).body;
    await page.getByRole('link', { name: 'Evidence log' }).click();
    await page.waitForURL(/#\/log$/);
    await page.getByRole('heading', { level: 1, name: 'Evidence log' }).waitFor();
    await testId('log-facts').getByText(summary.origin, { exact: true }).waitFor();
    const shown = (await testId('log-checkpoint').textContent()) ?? '';
    assert(shown.startsWith(`${summary.origin}\n`), 'the signed checkpoint is shown');
    return `${summary.size} entries`;
  });

  await step('evidence log: the browser verifies an entry (when the log has one)', async () => {
    const summary = (await getJson('/log/evidence')).body;
    const published = Number(summary.checkpoint.split('\n')[1]);
    if (!(published > 0)) return 'log empty: skipped';
    await testId('log-verify-index').fill('0');
    await page.getByRole('button', { name: 'Verify' }).click();
    await testId('log-verdict').waitFor();
    const verdict = (await testId('log-verdict').textContent()) ?? '';
    assert(verdict.includes('Checkpoint signature: valid'), `signature verdict: ${verdict}`);
    assert(verdict.includes('Entry 0 is in the log'), `inclusion verdict: ${verdict}`);
    await testId('log-verify-index').fill(String(published));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').getByText('Enter an entry index').waitFor();
    return 'entry 0 verified in the browser';
  });

  await step('signatures page: a dropped file gets the report POST /v1/signatures/verify gives', async () => {
    const bytes = Buffer.from('this is not a signature');
    const expected = await postJson('/v1/signatures/verify', { signature_base64: bytes.toString('base64') }, token);
    assertEqual(expected.status, 200, 'verify status');
    await page.getByRole('link', { name: 'Verify a signature' }).click();
    await page.waitForURL(/#\/signatures$/);
    await page.getByRole('heading', { level: 1, name: 'Verify a signature' }).waitFor();
    await testId('sig-file').setInputFiles({ name: 'document.p7s', mimeType: 'application/octet-stream', buffer: bytes });
    await testId('sig-submit').click();
    await testId('sig-report').waitFor();
    const shown = await text(testId('sig-indication'));
    assert(shown.includes('Invalid signature'), `verdict: ${shown}`);
    assert(shown.includes(expected.body.subIndication), `sub-indication ${expected.body.subIndication}: ${shown}`);
    await testId('sig-report').getByText(expected.body.format, { exact: true }).waitFor();
    return `${expected.body.indication} / ${expected.body.subIndication}`;
  });


  let trader;
  await step('e-invoices: sign in as a trader whose organisation has a certified key', async () => {
    const made = await makeTrader();
    trader = made.trader;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').fill(trader);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/#\/status$/);
    return made.org.name;
  });

  await step('e-invoices: a dropped invoice with a fatal finding gets the report, fatal first', async () => {
    await page.getByRole('link', { name: 'E-invoices' }).click();
    await page.waitForURL(/#\/einvoices$/);
    await page.getByRole('heading', { level: 1, name: 'E-invoices' }).waitFor();
    const xml = readFileSync(join(INVOICES_DIR, 'fatal-payable-mismatch.xml'), 'utf8');
    // A real drop: a DataTransfer holding the file, dropped on the drop zone.
    const transfer = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'fatal-payable-mismatch.xml', { type: 'application/xml' }));
      return dt;
    }, xml);
    await page.locator('label.sig-drop').dispatchEvent('drop', { dataTransfer: transfer });
    await testId('einv-submit').click();
    await testId('einv-report').waitFor();
    assertEqual(await testId('einv-verdict').getAttribute('data-verdict'), 'fatal', 'verdict');
    const expected = await fetch(`${baseUrl}/v1/einvoices/validate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${trader}`, 'Content-Type': 'application/xml' },
      body: xml,
    }).then((r) => r.json());
    const firings = expected.rule_sets.flatMap((r) => r.firings);
    assertEqual(await page.locator('[data-testid^="einv-finding-"]').count(), firings.length, 'findings shown');
    const first = page.locator('[data-testid^="einv-finding-"]').first();
    assert((await first.getAttribute('class')).includes('einv-fatal'), 'a fatal finding comes first');
    assertEqual(await page.getByRole('button', { name: /Register/ }).count(), 0, 'no register button for a fatal invoice');
    return `${firings.length} findings`;
  });

  await step('e-invoices: choosing a finding highlights its element in the document', async () => {
    const row = page.locator('[data-rule="BR-CO-16"]');
    await row.waitFor();
    const button = row.locator('button.einv-locate');
    // Keyboard: focus the location and press Enter.
    await button.focus();
    await page.keyboard.press('Enter');
    assertEqual(await button.getAttribute('aria-pressed'), 'true', 'the finding is marked as chosen');
    const highlighted = page.locator('[data-testid="einv-xml"] [data-selected="true"]');
    await highlighted.first().waitFor();
    assertEqual(await highlighted.count(), 1, 'highlighted elements');
    assertEqual(await highlighted.getAttribute('data-xml-path'), 'cac:LegalMonetaryTotal', 'highlighted element');
    assert((await highlighted.getAttribute('class')).includes('xml-mark-fatal'), 'marked as fatal');
    assert((await text(highlighted)).includes('PayableAmount'), 'the element shows its content');
    await eventually(() => highlighted.isVisible(), true, 'scrolled into view');
    const status = await text(testId('einv-located'));
    assert(status.includes('/ubl:Invoice/cac:LegalMonetaryTotal'), `announced: ${status}`);
    return status;
  });

  await step('e-invoices: a finding on one line of several highlights that line only', async () => {
    // The second line loses its identifier: BR-21 fires on that line alone,
    // and its location names the line's position.
    const xml = readFileSync(join(INVOICES_DIR, 'rich-invoice.xml'), 'utf8').replace('<cbc:ID>2</cbc:ID>', '');
    await testId('einv-file').setInputFiles({ name: 'line-2.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) });
    await testId('einv-submit').click();
    const row = page.locator('[data-rule="BR-21"]');
    await row.waitFor();
    await row.locator('button.einv-locate').click();
    const highlighted = page.locator('[data-testid="einv-xml"] [data-selected="true"]');
    await highlighted.first().waitFor();
    assertEqual(await highlighted.count(), 1, 'highlighted elements');
    assertEqual(await highlighted.getAttribute('data-xml-path'), 'cac:InvoiceLine', 'highlighted element');
    const content = await text(highlighted);
    assert(content.includes('50.00') && !content.includes('205.00'), `the second line: ${content}`);
    const status = await text(testId('einv-located'));
    assert(status.includes('/ubl:Invoice/cac:InvoiceLine[2]'), `announced: ${status}`);
    return status;
  });

  await step('e-invoices: a clean invoice is registered and listed with its log index', async () => {
    const xml = readFileSync(join(INVOICES_DIR, 'clean-invoice.xml'));
    await testId('einv-file').setInputFiles({ name: 'clean-invoice.xml', mimeType: 'application/xml', buffer: xml });
    await testId('einv-submit').click();
    await eventually(() => testId('einv-verdict').getAttribute('data-verdict'), 'clean', 'verdict');
    await testId('einv-register').click();
    await testId('einv-registered-now').waitFor();
    const list = await getJson('/v1/einvoices', trader);
    assertEqual(list.status, 200, 'GET /v1/einvoices');
    const reg = list.body.items.find((r) => r.invoice_number === 'DT-2026-0001');
    assert(reg && reg.log, 'the server lists the registration with its log entry');
    assert((await text(testId('einv-registered-now'))).includes(reg.id), 'the new id is shown');
    const row = testId(`einv-reg-${reg.id}`);
    await row.waitFor();
    assertEqual(await text(row.locator('[data-testid="einv-reg-index"]')), String(reg.log.index), 'log index shown');
    // Registering it again is refused, naming the existing registration.
    await testId('einv-register').click();
    await page.getByRole('alert').getByText(reg.id, { exact: false }).waitFor();
    return `${reg.id} at log index ${reg.log.index}`;
  });

  await step('area page: trade digitalisation links e-invoices and transferable records, the rest coming', async () => {
    await page.getByRole('link', { name: 'Trade digitalisation' }).click();
    await page.waitForURL(/#\/trade$/);
    await page.getByRole('heading', { level: 1, name: 'Trade digitalisation' }).waitFor();
    const cards = await page.locator('[data-testid^="cap-"]').count();
    const coming = await page.locator('[data-testid^="cap-"] [data-testid="badge-coming"]').count();
    assert(cards >= 1, 'the area lists capabilities');
    assertEqual(coming, cards - 2, 'cards marked coming');
    assertEqual(await testId('cap-einvoice').locator('a[href="#/einvoices"]').count(), 1, 'e-invoice card links');
    assertEqual(await testId('cap-etr').locator('a[href="#/etr"]').count(), 1, 'transferable records card links');
    return `${cards} cards`;
  });

  await step('switch to 中文: navigation is translated', async () => {
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('link', { name: '贸易数字化' }).waitFor();
    await page.getByRole('link', { name: '国际合作' }).waitFor();
    assertEqual(await page.getAttribute('html', 'lang'), 'zh-CN', 'html lang');
    assertEqual(await page.evaluate(() => localStorage.getItem('digitrade.lang')), 'zh-CN', 'saved language');
  });

  await step('reload: language and session persist', async () => {
    await page.reload({ waitUntil: 'load' });
    await page.getByRole('heading', { level: 1, name: '贸易数字化' }).waitFor();
    await page.getByRole('link', { name: '运行状态' }).waitFor();
  });

  await step('sign out returns to sign-in', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('API 令牌').waitFor({ state: 'visible' });
    assertEqual(await page.evaluate(() => sessionStorage.getItem('digitrade.token')), null, 'token after sign-out');
    await page.goto(`${baseUrl}/#/status`);
    await page.getByLabel('API 令牌').waitFor({ state: 'visible' });
    assertEqual(await testId('health').count(), 0, 'status page hidden when signed out');
  });

  await step('a 401 on a stored token signs the user out', async () => {
    await page.getByLabel('API 令牌').fill(token);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/#\/status$/);
    await page.getByRole('heading', { level: 1, name: '平台运行状态' }).waitFor();
    // The next status poll (within 5 s) uses the revoked token and gets a 401.
    await page.evaluate(() => sessionStorage.setItem('digitrade.token', 'dt_revoked_by_test'));
    await page.getByLabel('API 令牌').waitFor({ state: 'visible', timeout: 12_000 });
    await page.getByRole('status').filter({ hasText: '会话已结束' }).waitFor();
    assertEqual(await page.evaluate(() => sessionStorage.getItem('digitrade.token')), null, 'token after 401');
  });

  // Transferable records: a carrier (demo user tj.carrier) issues an eBL to
  // bj.trader with its server-held key through the API; bj.trader signs in,
  // transfers it to hb.trader with the action form, and the chain of custody
  // shows both steps with valid signatures and log proofs.
  const etr = {};
  await step('etr setup: the carrier issues an eBL to bj.trader (API)', async () => {
    const users = await getJson('/v1/users?limit=500', token);
    assertEqual(users.status, 200, 'GET /v1/users');
    const byName = (n) => users.body.items.find((u) => u.name === n);
    const [carrier, trader, other] = ['tj.carrier', 'bj.trader', 'hb.trader'].map(byName);
    assert(carrier && trader && other, 'demo users tj.carrier, bj.trader, hb.trader exist');
    const mint = async (u) => (await postJson('/v1/tokens', { user_id: u.id, label: 'portal test' }, token)).body.token;
    etr.carrierToken = await mint(carrier);
    etr.traderToken = await mint(trader);
    etr.recipient = other.organisation_id;
    etr.otherToken = await mint(other);
    assertEqual((await postJson('/v1/etr/parties', { organisation_id: carrier.organisation_id, carrier: true }, token)).status, 200, 'register carrier');
    const key = await postJson(`/v1/organisations/${carrier.organisation_id}/signing-keys`, { type: 'ec-p256' }, etr.carrierToken);
    assertEqual(key.status, 201, 'carrier signing key');
    assertEqual((await postJson(`/v1/organisations/${trader.organisation_id}/signing-keys`, { type: 'ed25519' }, etr.traderToken)).status, 201, 'trader signing key');
    const document = JSON.parse(readFileSync(new URL('../../src/trade/etr/testdata/transport-document-straight.json', import.meta.url), 'utf8'));
    etr.reference = `PORTAL${Date.now() % 1_000_000}`;
    document.transportDocumentReference = etr.reference;
    const issued = await postJson('/v1/etr/records', { type: 'ebl', document, issue_to: trader.organisation_id, signing_key_id: key.body.id }, etr.carrierToken);
    assertEqual(issued.status, 201, `issue: ${JSON.stringify(issued.body)}`);
    etr.id = issued.body.id;
    etr.carrierKey = key.body.id;
    etr.traderOrg = trader.organisation_id;
    return etr.id;
  });

  await step('etr: the holder sees the bill in its records', async () => {
    await page.getByLabel('API 令牌').fill(etr.traderToken);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/#\/status$/);
    await testId('nav-etr').click();
    await page.waitForURL(/#\/etr$/);
    await testId(`etr-open-${etr.reference}`).waitFor();
    const api = await getJson('/v1/etr/records', etr.traderToken);
    assertEqual(await testId('etr-record-row').count(), api.body.items.length, 'rows as GET /v1/etr/records');
  });

  await step('etr: the action form transfers it, signed with the server-held key', async () => {
    await testId(`etr-open-${etr.reference}`).click();
    await testId('etr-action-form').waitFor();
    await testId('etr-action-code').selectOption('TRANSFER');
    await testId('etr-recipient').fill(etr.recipient);
    await eventually(async () => (await testId('etr-key').locator('option').count()) > 0, true, 'a signing key is offered');
    await testId('etr-submit').click();
    await testId('etr-action-done').waitFor();
    await eventually(() => text(testId('etr-holder')), etr.recipient, 'holder after the transfer');
    const rec = await getJson(`/v1/etr/records/${etr.id}`, etr.traderToken);
    assertEqual(rec.body.holder, etr.recipient, 'GET /v1/etr/records/{id} holder');
    assertEqual(rec.body.sequence, 1, 'sequence');
  });

  await step('etr: chain of custody shows each step, its signature and its log proof', async () => {
    await eventually(() => testId('etr-step').count(), 2, 'custody steps');
    for (const id of ['etr-step-signature', 'etr-step-log']) {
      const flags = await testId(id).evaluateAll((els) => els.map((e) => e.getAttribute('data-ok')));
      assertEqual(flags.join(','), 'true,true', id);
    }
    const history = await getJson(`/v1/etr/records/${etr.id}/history`, etr.traderToken);
    assertEqual(history.body.items.map((s) => s.action_code).join(','), 'ISSUE,TRANSFER', 'GET history codes');
  });

  // DCSA PINT: bj.trader sends a second bill to a party on a peer platform
  // that does not answer (nothing listens on port 1): the record stays locked
  // as "transfer pending" and the record view says so.
  await step('etr: a transfer to another platform without an answer stays pending', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const peer = await postJson('/v1/pint/peers', {
      code: 'DGTX', base_url: 'http://127.0.0.1:1', public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }),
    }, token);
    assertEqual(peer.status, 201, `register peer: ${JSON.stringify(peer.body)}`);
    const document = JSON.parse(readFileSync(new URL('../../src/trade/etr/testdata/transport-document-pint.json', import.meta.url), 'utf8'));
    document.transportDocumentReference = `${etr.reference}X`;
    const issued = await postJson('/v1/etr/records', { type: 'ebl', document, issue_to: etr.traderOrg, signing_key_id: etr.carrierKey }, etr.carrierToken);
    assertEqual(issued.status, 201, `issue: ${JSON.stringify(issued.body)}`);
    await page.evaluate((id) => { location.hash = `#/etr/${encodeURIComponent(id)}`; }, issued.body.id);
    await testId('etr-action-form').waitFor();
    await testId('etr-action-code').selectOption('TRANSFER');
    await testId('etr-elsewhere').check();
    await eventually(async () => (await testId('etr-platform').locator('option').allTextContents()).join(','), 'DGTX', 'peer platforms offered');
    await testId('etr-party-name').fill('Rotterdam Import');
    await testId('etr-party-code').fill('org_rotterdam');
    await eventually(async () => (await testId('etr-key').locator('option').count()) > 0, true, 'a signing key is offered');
    await testId('etr-submit').click();
    await testId('etr-transfer-pending').waitFor();
    await eventually(async () => (await text(testId('etr-location'))).includes('DGTX'), true, 'location names the platform');
    const rec = await getJson(`/v1/etr/records/${issued.body.id}`, etr.traderToken);
    assertEqual(rec.body.location.status, 'transfer_pending', 'GET location');
    assertEqual(rec.body.sequence, 0, 'nothing applied while pending');
  });

  await step('etr: the new holder sends it back, signed in the browser (WebCrypto ES256)', async () => {
    await page.evaluate((t) => sessionStorage.setItem('digitrade.token', t), etr.otherToken);
    await page.goto(`${baseUrl}/#/etr/${etr.id}`);
    await page.reload();  // a hash change alone keeps the signed-in user
    await testId('etr-action-form').waitFor();
    await testId('etr-action-code').selectOption('TRANSFER');
    await testId('etr-recipient').fill(etr.traderOrg);
    await testId('etr-key').selectOption('browser');
    await testId('etr-submit').click();
    await testId('etr-action-done').waitFor();
    await eventually(() => text(testId('etr-holder')), etr.traderOrg, 'holder after the browser-signed transfer');
    await eventually(() => testId('etr-step').count(), 3, 'custody steps');
    const flags = await testId('etr-step-signature').evaluateAll((els) => els.map((e) => e.getAttribute('data-ok')));
    assertEqual(flags.join(','), 'true,true,true', 'signatures');
    const history = await getJson(`/v1/etr/records/${etr.id}/history`, etr.otherToken);
    const last = history.body.items[2];
    const header = JSON.parse(Buffer.from(last.signed_action.split('.')[0], 'base64url').toString());
    assertEqual(header.alg, 'ES256', 'signed in the browser with ES256');
    assertEqual(last.signature_status, 'valid', 'the server verified it');
    const keys = await getJson(`/v1/etr/parties/${etr.recipient}/keys`, etr.otherToken);
    assert(keys.body.items.some((k) => k.thumbprint === header.kid && k.source === 'jwk'), 'the browser key is registered as a public JWK');
  });

  await step('no uncaught errors in the page', async () => {
    assertEqual(pageErrors.length, 0, `page errors: ${pageErrors.join(' | ')}`);
  });

  await finish(0);
}

const pageErrors = [];
main().catch(async (e) => {
  log(`not ok - ${e?.stack ?? e}`);
  failed++;
  await screenshot('error');
  await finish(1);
});
