// Electronic bills of lading and warehouse receipts: the records of the
// signed-in organisation (#/etr), one record (#/etr/<id>) with an action
// form that signs with the organisation's server-held key or with a key kept
// in this browser (browserKey.ts) — its recipient on this platform or, over
// DCSA PINT, on a peer platform — where the record is when it left, and the
// chain of custody: every step with its signature status and its
// evidence-log proof.

import { useCallback, useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { ApiError, type Me } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorBox } from '../components/ErrorBox';
import { PageHeading } from '../components/PageHeading';
import './etr.css';
import {
  ACTIONS,
  CAN_GO_ELSEWHERE,
  NEEDS_RECIPIENT,
  etrApi,
  partyOn,
  type CustodyStep,
  type EtrLocation,
  type EtrRecord,
  type SigningKey,
} from './api';
import { browserSigningAvailable, createBrowserKey, loadBrowserKey, signJws, type BrowserKey } from './browserKey';

/** The key select's value for "sign in this browser". */
const BROWSER = 'browser';

function recordIdFromHash(): string {
  const parts = location.hash.replace(/^#\/?/, '').split('/');
  return parts[0] === 'etr' && parts[1] ? decodeURIComponent(parts[1]) : '';
}

function useHashRecord(): string {
  const [id, setId] = useState(recordIdFromHash);
  useEffect(() => {
    const update = () => setId(recordIdFromHash());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return id;
}

const STATUS_CLASS: Record<string, string> = {
  active: 'ok',
  surrender_pending: 'warn',
  surrendered: 'muted',
  amended: 'muted',
  switched_to_paper: 'muted',
  void: 'muted',
};

function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const key = `etr.status.${status}` as MessageKey;
  return (
    <span class={`badge ${STATUS_CLASS[status] ?? ''}`} data-testid="etr-status">
      {t(key)}
    </span>
  );
}

function RecordList() {
  const { t } = useI18n();
  const [records, setRecords] = useState<EtrRecord[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    etrApi.records().then((p) => setRecords(p.items), setError);
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!records) return <p>{t('app.loading')}</p>;
  if (records.length === 0) return <p data-testid="etr-empty">{t('etr.empty')}</p>;
  return (
    <table class="table" data-testid="etr-records">
      <thead>
        <tr>
          <th>{t('etr.reference')}</th>
          <th>{t('etr.type')}</th>
          <th>{t('etr.status')}</th>
          <th>{t('etr.holder')}</th>
          <th>{t('etr.sequence')}</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={r.id} data-testid="etr-record-row">
            <td>
              <a href={`#/etr/${encodeURIComponent(r.id)}`} data-testid={`etr-open-${r.reference}`}>
                {r.reference}
              </a>
            </td>
            <td>{t(r.type === 'ebl' ? 'etr.type.ebl' : 'etr.type.ewr')}</td>
            <td>
              <StatusBadge status={r.status} />
            </td>
            <td>{r.holder}</td>
            <td>{r.sequence}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ActionForm(props: { record: EtrRecord; me: Me; onDone: () => void }) {
  const { t } = useI18n();
  const org = props.me.organisation?.id ?? '';
  const [keys, setKeys] = useState<SigningKey[]>([]);
  const [code, setCode] = useState(ACTIONS[props.record.type][0] ?? 'TRANSFER');
  const [recipient, setRecipient] = useState('');
  const [reason, setReason] = useState('');
  const [keyId, setKeyId] = useState('');
  const [browserKey, setBrowserKey] = useState<BrowserKey | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  // A recipient on another eBL platform (DCSA PINT).
  const [elsewhere, setElsewhere] = useState(false);
  const [platforms, setPlatforms] = useState<string[] | null>(null);
  const [platform, setPlatform] = useState('');
  const [partyName, setPartyName] = useState('');
  const [partyCode, setPartyCode] = useState('');
  useEffect(() => {
    if (!org) return;
    etrApi.signingKeys(org).then((p) => {
      setKeys(p.items);
      if (p.items[0]) setKeyId(p.items[0].id);
    }, setError);
    if (browserSigningAvailable()) loadBrowserKey(org).then(setBrowserKey, setError);
  }, [org]);
  useEffect(() => {
    if (!elsewhere || platforms) return;
    etrApi.platforms().then(
      (p) => {
        setPlatforms(p.items.map((i) => i.code));
        if (p.items[0]) setPlatform(p.items[0].code);
      },
      (err) => {
        setPlatforms([]);
        setError(err);
      },
    );
  }, [elsewhere, platforms]);
  const away = elsewhere && CAN_GO_ELSEWHERE.has(code);
  if (!org) return <p>{t('etr.form.noOrganisation')}</p>;
  const submit = async (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone('');
    try {
      const intent = {
        action_code: code,
        ...(away ? { recipient_party: partyOn(platform, partyName, partyCode) } : {}),
        ...(!away && NEEDS_RECIPIENT.has(code) && recipient ? { recipient } : {}),
        ...(reason ? { reason_code: reason } : {}),
      };
      let r;
      if (keyId === BROWSER) {
        // Signed here: the server prepares the exact bytes, this browser signs them.
        const key = browserKey ?? (await createBrowserKey(org));
        setBrowserKey(key);
        const prepared = await etrApi.prepare(props.record.id, intent);
        r = await etrApi.act(props.record.id, { signed_action: await signJws(key, prepared.payload) });
      } else {
        r = await etrApi.act(props.record.id, { ...intent, signing_key_id: keyId });
      }
      setDone(
        r.pint
          ? t('etr.form.sent', { platform, code: r.pint.responseCode })
          : t('etr.form.done', { code, sequence: r.sequence }),
      );
      props.onDone();
    } catch (err) {
      setError(err);
      // Pending at the other platform: the record is locked now; show where it is.
      if (away && err instanceof ApiError && err.status === 503) props.onDone();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form etr-form etr-card" onSubmit={submit} data-testid="etr-action-form">
      <h2>{t('etr.form.title')}</h2>
      <p class="hint">{t('etr.form.intro')}</p>
      <label>
        {t('etr.form.action')}
        <select value={code} onChange={(e) => setCode(e.currentTarget.value)} data-testid="etr-action-code">
          {ACTIONS[props.record.type].map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      {CAN_GO_ELSEWHERE.has(code) && props.record.type === 'ebl' && (
        <label class="checkbox">
          <input
            type="checkbox"
            checked={elsewhere}
            onChange={(e) => setElsewhere(e.currentTarget.checked)}
            data-testid="etr-elsewhere"
          />{' '}
          {t('etr.form.elsewhere')}
        </label>
      )}
      {away && (
        <>
          <label>
            {t('etr.form.platform')}
            <select value={platform} onChange={(e) => setPlatform(e.currentTarget.value)} data-testid="etr-platform">
              {(platforms ?? []).map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          {platforms && platforms.length === 0 && <p class="hint">{t('etr.form.noPlatforms')}</p>}
          <label>
            {t('etr.form.partyName')}
            <input value={partyName} onInput={(e) => setPartyName(e.currentTarget.value)} data-testid="etr-party-name" />
          </label>
          <label>
            {t('etr.form.partyCode')}
            <input
              value={partyCode}
              placeholder="org_…"
              onInput={(e) => setPartyCode(e.currentTarget.value)}
              data-testid="etr-party-code"
            />
          </label>
        </>
      )}
      {NEEDS_RECIPIENT.has(code) && !away && (
        <label>
          {t('etr.form.recipient')}
          <input
            value={recipient}
            placeholder="org_…"
            onInput={(e) => setRecipient(e.currentTarget.value)}
            data-testid="etr-recipient"
          />
        </label>
      )}
      {code === 'SURRENDER_FOR_AMENDMENT' && (
        <label>
          {t('etr.form.reason')}
          <input value={reason} placeholder="SWTP" onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
      )}
      <label>
        {t('etr.form.key')}
        <select value={keyId} onChange={(e) => setKeyId(e.currentTarget.value)} data-testid="etr-key">
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.id} ({k.type})
            </option>
          ))}
          {browserSigningAvailable() && (
            <option value={BROWSER}>
              {browserKey ? t('etr.form.browserKey') : t('etr.form.newBrowserKey')}
            </option>
          )}
        </select>
      </label>
      {keys.length === 0 && <p class="hint">{t('etr.form.noKey')}</p>}
      {!browserSigningAvailable() && <p class="hint">{t('etr.form.noBrowserSigning')}</p>}
      <button
        class="button button-primary"
        type="submit"
        disabled={busy || !keyId || (away && (!platform || !partyName || !partyCode))}
        data-testid="etr-submit"
      >
        {busy ? t('etr.form.signing') : t('etr.form.submit')}
      </button>
      {done && (
        <p role="status" data-testid="etr-action-done">
          {done}
        </p>
      )}
      {error instanceof ApiError && error.status === 409 && <p class="hint">{t('etr.form.conflict')}</p>}
      {error instanceof ApiError && away && error.status === 503 && (
        <p class="hint" data-testid="etr-transfer-pending">
          {t('etr.form.pending')}
        </p>
      )}
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}

function Custody({ steps }: { steps: CustodyStep[] }) {
  const { t } = useI18n();
  return (
    <section class="card etr-card">
      <h2>{t('etr.custody.title')}</h2>
      <ol class="timeline" data-testid="etr-custody">
        {steps.map((s) => {
          const sigOk = s.signature_status === 'valid' || s.signature_status.startsWith('imported');
          const logOk = s.log_status.startsWith('included');
          return (
            <li key={s.sequence} data-testid="etr-step">
              <strong>
                {s.sequence}. {s.action_code}
              </strong>{' '}
              <span>
                {s.actor}
                {s.recipient ? ` → ${s.recipient}` : ''}
              </span>
              <div>
                <span class={`badge ${sigOk ? 'ok' : 'bad'}`} data-testid="etr-step-signature" data-ok={String(sigOk)}>
                  {t(sigOk ? 'etr.custody.signatureValid' : 'etr.custody.signatureInvalid')}
                </span>{' '}
                <span class={`badge ${logOk ? 'ok' : 'warn'}`} data-testid="etr-step-log" data-ok={String(logOk)}>
                  {logOk
                    ? t('etr.custody.logged', { index: s.log_index ?? '?' })
                    : t('etr.custody.notLogged')}
                </span>
              </div>
              {!sigOk && <small>{s.signature_status}</small>}
              {!logOk && <small>{s.log_status}</small>}
              <small class="mono">{s.action_hash}</small>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function RecordView({ id, me }: { id: string; me: Me }) {
  const { t } = useI18n();
  const [data, setData] = useState<{ record: EtrRecord; steps: CustodyStep[] } | null>(null);
  const [where, setWhere] = useState<EtrLocation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    etrApi.history(id).then((h) => setData({ record: h.record, steps: h.items }), setError);
    etrApi.record(id).then((r) => setWhere(r.location ?? null), setError);
  }, [id]);
  useEffect(load, [load]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <p>{t('app.loading')}</p>;
  const r = data.record;
  const row = (label: MessageKey, value: string | number | null, testid?: string) =>
    value === null || value === '' ? null : (
      <>
        <dt>{t(label)}</dt>
        <dd data-testid={testid}>{value}</dd>
      </>
    );
  return (
    <>
      <p>
        <a href="#/etr">{t('etr.back')}</a>
      </p>
      <section class="card etr-card">
        <h2>
          {r.reference} <StatusBadge status={r.status} />
        </h2>
        <dl class="facts">
          {row('etr.type', t(r.type === 'ebl' ? 'etr.type.ebl' : 'etr.type.ewr'))}
          {r.type === 'ebl' && row('etr.kind', t(!r.to_order ? 'etr.kind.straight' : r.blank_endorsed ? 'etr.kind.blank' : 'etr.kind.toOrder'))}
          {row('etr.issuer', r.issuer)}
          {row('etr.holder', r.holder, 'etr-holder')}
          {row('etr.endorsee', r.endorsee)}
          {row('etr.pledgee', r.pledgee)}
          {row('etr.sequence', r.sequence, 'etr-sequence')}
          {row('etr.head', r.head)}
        </dl>
      </section>
      {where && where.status !== 'here' && (
        <p class={`card etr-card badge ${where.status === 'held_elsewhere' ? 'muted' : 'warn'}`} data-testid="etr-location">
          {t(where.status === 'held_elsewhere' ? 'etr.location.away' : 'etr.location.pending', {
            platform: where.platform ?? '?',
            party: where.party?.partyName ?? '?',
          })}
        </p>
      )}
      {where?.status !== 'held_elsewhere' && <ActionForm record={r} me={me} onDone={load} />}
      <Custody steps={data.steps} />
    </>
  );
}

export function EtrPage({ me }: { me: Me }) {
  const { t } = useI18n();
  const id = useHashRecord();
  return (
    <>
      <PageHeading title={t('etr.title')}>
        <p>{t('etr.intro')}</p>
      </PageHeading>
      {id ? <RecordView id={id} me={me} /> : <RecordList />}
    </>
  );
}
