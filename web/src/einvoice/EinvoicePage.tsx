// E-invoices: drop (or pick) an invoice, choose the rule sets, read the
// verdict and every finding, and see in the document where each one is: the
// report's XPath locations are resolved in the browser against the parsed
// XML, every located element is marked, and choosing a finding highlights
// and scrolls to its element. A clean invoice can be registered (signed and
// logged, POST /v1/einvoices); the organisation's registered invoices are
// listed with their evidence-log index.

import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  api,
  ApiError,
  EINVOICE_RULE_SETS,
  type EinvoiceFiring,
  type EinvoiceRegistration,
  type EinvoiceReport,
  type Me,
} from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorBox } from '../components/ErrorBox';
import { PageHeading } from '../components/PageHeading';
import { FilePicker } from '../pages/Signatures';
import { locate, parseXml } from './locate';
import { XmlView, type Mark } from './XmlView';

const VERDICT: Record<EinvoiceReport['verdict'], { key: MessageKey; cls: string }> = {
  clean: { key: 'einv.verdict.clean', cls: 'ok' },
  warnings: { key: 'einv.verdict.warnings', cls: 'warn' },
  fatal: { key: 'einv.verdict.fatal', cls: 'bad' },
  crash: { key: 'einv.verdict.crash', cls: 'bad' },
};

interface Finding extends EinvoiceFiring {
  ruleSet: string;
  /** Index in the list, for keys and test ids. */
  n: number;
  elements: Element[];
}

function RuleSetChooser(props: { chosen: string[]; onChange: (rules: string[]) => void }) {
  const { t } = useI18n();
  const toggle = (name: string, on: boolean) =>
    props.onChange(on ? [...props.chosen, name] : props.chosen.filter((r) => r !== name));
  return (
    <fieldset class="einv-rules">
      <legend>{t('einv.rules')}</legend>
      <p class="einv-hint">{t('einv.rules.hint')}</p>
      {EINVOICE_RULE_SETS.map((name) => (
        <label key={name} class="einv-rule">
          <input
            type="checkbox"
            checked={props.chosen.includes(name)}
            onChange={(e) => toggle(name, (e.currentTarget as HTMLInputElement).checked)}
          />
          <code>{name}</code>
        </label>
      ))}
    </fieldset>
  );
}

function FindingsTable(props: {
  findings: Finding[];
  selected: number | null;
  onSelect: (n: number) => void;
}) {
  const { t } = useI18n();
  if (props.findings.length === 0) return <p data-testid="einv-no-findings">{t('einv.noFindings')}</p>;
  return (
    <table class="einv-findings" data-testid="einv-findings">
      <caption class="visually-hidden">{t('einv.findings')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('einv.col.flag')}</th>
          <th scope="col">{t('einv.col.rule')}</th>
          <th scope="col">{t('einv.col.message')}</th>
          <th scope="col">{t('einv.col.location')}</th>
        </tr>
      </thead>
      <tbody>
        {props.findings.map((f) => (
          <tr
            key={f.n}
            class={`einv-finding einv-${f.flag}${props.selected === f.n ? ' einv-finding-selected' : ''}`}
            data-testid={`einv-finding-${f.n}`}
            data-rule={f.id}
          >
            <td>
              <span class={`einv-flag einv-flag-${f.flag}`}>
                <span aria-hidden="true">{f.flag === 'fatal' ? '✖ ' : '⚠ '}</span>
                {t(f.flag === 'fatal' ? 'einv.flag.fatal' : 'einv.flag.warning')}
              </span>
            </td>
            <td>
              <code>{f.id}</code>
              <small class="einv-ruleset">{f.ruleSet}</small>
            </td>
            <td>{f.message}</td>
            <td>
              <button
                type="button"
                class="button-link einv-locate"
                aria-pressed={props.selected === f.n}
                disabled={f.elements.length === 0}
                onClick={() => props.onSelect(f.n)}
                title={f.elements.length === 0 ? t('einv.notLocated') : t('einv.showInDocument')}
              >
                <code>{f.location}</code>
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Registered({ items }: { items: EinvoiceRegistration[] }) {
  const { t, formatDateTime } = useI18n();
  if (items.length === 0) return <p>{t('einv.registered.none')}</p>;
  return (
    <table class="einv-registered" data-testid="einv-registered">
      <thead>
        <tr>
          <th scope="col">{t('einv.reg.number')}</th>
          <th scope="col">{t('einv.reg.seller')}</th>
          <th scope="col">{t('einv.reg.total')}</th>
          <th scope="col">{t('einv.reg.date')}</th>
          <th scope="col">{t('einv.reg.logIndex')}</th>
          <th scope="col">{t('einv.reg.at')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id} data-testid={`einv-reg-${r.id}`}>
            <td>{r.invoice_number}</td>
            <td>{r.seller}</td>
            <td>
              {r.total} {r.currency}
            </td>
            <td>{r.issue_date}</td>
            <td data-testid="einv-reg-index">{r.log ? r.log.index : '—'}</td>
            <td>{formatDateTime(r.registered_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EinvoicePage() {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [xml, setXml] = useState<string | null>(null);
  const [rules, setRules] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<EinvoiceReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [me, setMe] = useState<Me | null>(null);
  const [registered, setRegistered] = useState<EinvoiceRegistration[]>([]);
  const [justRegistered, setJustRegistered] = useState<EinvoiceRegistration | null>(null);

  const canRegister = me?.organisation != null && me.user.roles.includes('trader');
  const loadRegistered = () =>
    api
      .einvoices({ limit: 50 })
      .then((page) => setRegistered(page.items))
      .catch(() => setRegistered([]));
  useEffect(() => {
    api
      .me()
      .then((m) => {
        setMe(m);
        if (m.organisation) void loadRegistered();
      })
      .catch(() => setMe(null));
  }, []);

  const parsed = useMemo(() => (xml === null ? null : parseXml(xml)), [xml]);
  const findings: Finding[] = useMemo(() => {
    if (!report) return [];
    const out: Finding[] = [];
    for (const rs of report.rule_sets) {
      for (const f of rs.firings) {
        const elements = parsed?.doc ? locate(parsed.doc, f.location) : [];
        out.push({ ...f, ruleSet: rs.name, n: out.length, elements });
      }
    }
    // Fatal first, then in the report's order.
    return out.sort((a, b) => (a.flag === b.flag ? a.n - b.n : a.flag === 'fatal' ? -1 : 1));
  }, [report, parsed]);
  const marks = useMemo(() => {
    const m = new Map<Element, Mark>();
    for (const f of findings) {
      for (const el of f.elements) if (m.get(el) !== 'fatal') m.set(el, f.flag);
    }
    return m;
  }, [findings]);
  const chosen = findings.find((f) => f.n === selected) ?? null;

  const pick = async (f: File | null) => {
    setFile(f);
    setReport(null);
    setSelected(null);
    setError(null);
    setJustRegistered(null);
    setXml(f ? await f.text() : null);
  };

  const validate = async (e: Event) => {
    e.preventDefault();
    if (xml === null) return;
    setBusy(true);
    setError(null);
    setReport(null);
    setSelected(null);
    setJustRegistered(null);
    try {
      setReport(await api.validateEinvoice(xml, rules));
    } catch (err: unknown) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const register = async () => {
    if (xml === null) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.registerEinvoice(xml, rules);
      setJustRegistered(r);
      await loadRegistered();
    } catch (err: unknown) {
      // A 422 carries the report that refused it.
      if (err instanceof ApiError && err.body && typeof err.body['report'] === 'object') {
        setReport(err.body['report'] as EinvoiceReport);
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const verdict = report ? VERDICT[report.verdict] : null;
  const registrable = report !== null && (report.verdict === 'clean' || report.verdict === 'warnings');
  const fatalCount = findings.filter((f) => f.flag === 'fatal').length;
  return (
    <section>
      <PageHeading title={t('einv.title')}>
        <p>{t('einv.intro')}</p>
      </PageHeading>
      <form class="card sig-form" onSubmit={validate} data-testid="einv-form">
        <FilePicker
          label={t('einv.file')}
          hint={t('einv.file.hint')}
          file={file}
          onFile={(f) => void pick(f)}
          testid="einv-file"
        />
        <RuleSetChooser chosen={rules} onChange={setRules} />
        <button type="submit" class="button button-primary" disabled={xml === null || busy} data-testid="einv-submit">
          {busy ? t('einv.running') : t('einv.submit')}
        </button>
      </form>
      {error !== null && <ErrorBox error={error} />}
      {report && verdict && (
        <section class="card einv-report" aria-live="polite" data-testid="einv-report">
          <p class={`sig-verdict ${verdict.cls}`} data-testid="einv-verdict" data-verdict={report.verdict}>
            {t(verdict.key)}
          </p>
          <p class="einv-summary">
            {t('einv.summary', {
              syntax: report.syntax,
              rules: report.rule_sets.map((r) => r.name).join(', '),
              fatal: fatalCount,
              warnings: findings.length - fatalCount,
            })}
          </p>
          {report.rule_sets
            .filter((r) => r.crash)
            .map((r) => (
              <p key={r.name} class="einv-crash">
                {t('einv.crash', { rules: r.name, reason: r.crash_reason ?? '' })}
              </p>
            ))}
          {registrable &&
            (canRegister ? (
              <button
                type="button"
                class="button button-primary"
                disabled={busy}
                onClick={() => void register()}
                data-testid="einv-register"
              >
                {t('einv.register')}
              </button>
            ) : (
              <p class="einv-hint">{t('einv.register.needsTrader')}</p>
            ))}
          {justRegistered && (
            <p class="sig-verdict ok" role="status" data-testid="einv-registered-now">
              {t('einv.registered.now', {
                id: justRegistered.id,
                index: justRegistered.log ? justRegistered.log.index : '—',
              })}
            </p>
          )}
          <h2>{t('einv.findings')}</h2>
          <FindingsTable findings={findings} selected={selected} onSelect={setSelected} />
          <p class="visually-hidden" role="status" data-testid="einv-located">
            {chosen
              ? t('einv.located', { location: chosen.location, count: chosen.elements.length })
              : ''}
          </p>
          {chosen && chosen.elements.length > 1 && (
            <p class="einv-hint">{t('einv.ambiguous', { count: chosen.elements.length })}</p>
          )}
          {parsed?.doc ? (
            <>
              <h2>{t('einv.document')}</h2>
              <XmlView
                doc={parsed.doc}
                marks={marks}
                selected={chosen ? chosen.elements : []}
                label={t('einv.document')}
              />
            </>
          ) : (
            parsed?.error && <p class="einv-hint">{t('einv.notParsed', { error: parsed.error })}</p>
          )}
        </section>
      )}
      {me?.organisation && (
        <section class="card einv-list">
          <h2>{t('einv.registered.title')}</h2>
          <Registered items={registered} />
        </section>
      )}
    </section>
  );
}
