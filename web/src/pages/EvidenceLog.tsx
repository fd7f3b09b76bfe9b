import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type LogSummary } from '../api';
import { useI18n } from '../i18n';
import { ErrorBox } from '../components/ErrorBox';
import { PageHeading } from '../components/PageHeading';
import { Sparkline } from '../components/Sparkline';
import { deltas, POLL_MS } from './Status';
import {
  entryLeaf,
  fromBase64,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  verifyInclusion,
  type SignatureVerdict,
} from '../ledger/verify';

const LOG = 'evidence';
const HISTORY = 24;

interface Verdict {
  signature: SignatureVerdict;
  included: boolean;
  index: number;
  size: number;
  kind: string;
  bytes: number;
}

/** Checks entry `index` against the signed checkpoint, entirely in this browser. */
async function verifyEntry(summary: LogSummary, vkey: string, index: number): Promise<Verdict | 'bad-key'> {
  const key = await parseVerifierKey(vkey);
  if (key === null) return 'bad-key';
  const opened = await openCheckpoint(summary.checkpoint, key);
  const cp = opened.checkpoint;
  const size = cp ? Number(cp.size) : 0;
  const [entry, proof] = await Promise.all([api.logEntry(LOG, index), api.inclusionProof(LOG, index, size)]);
  const data = fromBase64(entry.data_base64) ?? new Uint8Array();
  const leaf = await leafHash(entryLeaf(entry.kind, data));
  const hashes = proof.proof.map((p) => fromBase64(p) ?? new Uint8Array());
  const included =
    cp !== null && (await verifyInclusion(BigInt(index), cp.size, leaf, hashes, cp.root));
  return { signature: opened.signature, included, index, size, kind: entry.kind, bytes: data.length };
}

export function EvidenceLog() {
  const { t } = useI18n();
  const [summary, setSummary] = useState<LogSummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [sizes, setSizes] = useState<number[]>([]);
  const inFlight = useRef(false);

  useEffect(() => {
    const controller = new AbortController();
    async function poll() {
      if (inFlight.current || document.hidden) return;
      inFlight.current = true;
      try {
        const s = await api.log(LOG, controller.signal);
        setSummary(s);
        setError(null);
        setSizes((prev) => [...prev, s.size].slice(-(HISTORY + 1)));
      } catch (e) {
        if (!controller.signal.aborted) setError(e);
      } finally {
        inFlight.current = false;
      }
    }
    void poll();
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, []);

  const growth = deltas(sizes);
  return (
    <section class="log-page">
      <PageHeading title={t('log.title')}>
        <p>{t('log.intro')}</p>
      </PageHeading>
      {error !== null && <ErrorBox error={error} />}
      {summary && (
        <dl class="log-facts" data-testid="log-facts">
          <dt>{t('log.origin')}</dt>
          <dd>{summary.origin}</dd>
          <dt>{t('log.size')}</dt>
          <dd data-testid="log-size">{summary.size.toLocaleString()}</dd>
          <dt>{t('log.hash')}</dt>
          <dd>{summary.hash}</dd>
          <dt>{t('log.key')}</dt>
          <dd>
            <code class="log-key">{summary.verifier_key}</code>
          </dd>
        </dl>
      )}
      <h2>{t('log.growth')}</h2>
      {growth.length >= 1 ? (
        <Sparkline
          values={growth}
          label={t('log.growth.label', { n: growth.length, last: growth[growth.length - 1] ?? 0 })}
        />
      ) : (
        <p>{t('log.growth.waiting')}</p>
      )}
      {summary && (
        <>
          <h2>{t('log.checkpoint')}</h2>
          <pre class="log-checkpoint" data-testid="log-checkpoint">
            {summary.checkpoint}
          </pre>
          <VerifyBox summary={summary} />
        </>
      )}
    </section>
  );
}

function VerifyBox({ summary }: { summary: LogSummary }) {
  const { t } = useI18n();
  const [index, setIndex] = useState('');
  const [vkey, setVkey] = useState(summary.verifier_key);
  const [running, setRunning] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setVerdict(null);
    setError(null);
    setMessage(null);
    // Entries are proven against the signed checkpoint, which may trail the
    // live size by up to the publication interval.
    const published = Number(summary.checkpoint.split('\n')[1] ?? '0');
    const n = /^(0|[1-9][0-9]{0,15})$/.test(index.trim()) ? Number(index.trim()) : -1;
    if (n < 0 || n >= published) {
      setMessage(t('log.verify.badIndex', { max: Math.max(0, published - 1) }));
      return;
    }
    setRunning(true);
    try {
      const v = await verifyEntry(summary, vkey, n);
      if (v === 'bad-key') setMessage(t('log.verify.badKey'));
      else setVerdict(v);
    } catch (err) {
      setError(err);
    } finally {
      setRunning(false);
    }
  }

  return (
    <form class="log-verify" onSubmit={submit} data-testid="log-verify">
      <h2>{t('log.verify.title')}</h2>
      <p>{t('log.verify.intro')}</p>
      <label>
        {t('log.verify.index')}
        <input
          inputMode="numeric"
          value={index}
          onInput={(e) => setIndex((e.target as HTMLInputElement).value)}
          data-testid="log-verify-index"
        />
      </label>
      <label>
        {t('log.verify.key')}
        <input value={vkey} onInput={(e) => setVkey((e.target as HTMLInputElement).value)} />
        <small>{t('log.verify.keyHint')}</small>
      </label>
      <button type="submit" disabled={running}>
        {running ? t('log.verify.running') : t('log.verify.submit')}
      </button>
      {message && <p role="alert">{message}</p>}
      {error !== null && <ErrorBox error={error} />}
      {verdict && (
        <ul class="log-verdict" data-testid="log-verdict">
          <li class={verdict.signature === 'valid' ? 'ok' : 'bad'}>
            {t(`log.verify.signature.${verdict.signature}`)}
          </li>
          <li class={verdict.included ? 'ok' : 'bad'}>
            {verdict.included
              ? t('log.verify.included', { index: verdict.index, size: verdict.size })
              : t('log.verify.notIncluded')}
          </li>
          <li>{t('log.verify.entry', { kind: verdict.kind, bytes: verdict.bytes })}</li>
        </ul>
      )}
    </form>
  );
}
