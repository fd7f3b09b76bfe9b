// Drop a signed file (JWS, CMS/CAdES, signed XML), optionally with the
// content of a detached signature, and read the platform's validation
// report: the verdict first, then who signed, with what, when, and which
// jurisdiction's trust list vouched for the signer.

import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { api, type ValidationReport } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorBox } from '../components/ErrorBox';
import { PageHeading } from '../components/PageHeading';

/** Standard base64 of a file's bytes (the API takes any format this way). */
async function fileBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

const VERDICT: Record<ValidationReport['indication'], { key: MessageKey; cls: string }> = {
  TOTAL_PASSED: { key: 'sig.verdict.passed', cls: 'ok' },
  TOTAL_FAILED: { key: 'sig.verdict.failed', cls: 'bad' },
  INDETERMINATE: { key: 'sig.verdict.indeterminate', cls: 'warn' },
};

export function FilePicker(props: {
  label: string;
  hint: string;
  file: File | null;
  onFile: (f: File | null) => void;
  testid: string;
}) {
  const [over, setOver] = useState(false);
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    props.onFile(e.dataTransfer?.files?.[0] ?? null);
  };
  return (
    <label
      class={`sig-drop${over ? ' sig-drop-over' : ''}`}
      onDragOver={(e: DragEvent) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <span class="sig-drop-label">{props.label}</span>
      <input
        type="file"
        data-testid={props.testid}
        onChange={(e) => props.onFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)}
      />
      <small>{props.file ? `${props.file.name} · ${props.file.size} B` : props.hint}</small>
    </label>
  );
}

function Report({ report }: { report: ValidationReport }) {
  const { t, formatDateTime } = useI18n();
  const verdict = VERDICT[report.indication] ?? VERDICT.INDETERMINATE;
  const row = (label: MessageKey, value: string | undefined): JSX.Element | null =>
    value ? (
      <>
        <dt>{t(label)}</dt>
        <dd>{value}</dd>
      </>
    ) : null;
  const time = report.signingTime !== undefined
    ? `${formatDateTime(new Date(report.signingTime * 1000))} (${t(
        report.signingTimeSource === 'timestamp' ? 'sig.time.timestamp' : 'sig.time.claimed',
      )})`
    : undefined;
  return (
    <section class="card sig-report" data-testid="sig-report" aria-live="polite">
      <p class={`sig-verdict ${verdict.cls}`} data-testid="sig-indication">
        {t(verdict.key)}
        {report.subIndication ? <span class="sig-sub"> · {report.subIndication}</span> : null}
      </p>
      <dl class="log-facts">
        {row('sig.format', report.format)}
        {row('sig.algorithm', report.algorithm)}
        {row('sig.signer', report.signer)}
        {row('sig.signingTime', time)}
        {row('sig.anchor', report.trustAnchor?.subject)}
        {row(
          'sig.trustList',
          report.trustAnchor ? `${report.trustAnchor.trustList} (${report.trustAnchor.jurisdiction})` : undefined,
        )}
      </dl>
      {report.messages.length > 0 && (
        <>
          <h3>{t('sig.details')}</h3>
          <ul class="sig-messages">
            {report.messages.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function Signatures() {
  const { t } = useI18n();
  const [signed, setSigned] = useState<File | null>(null);
  const [content, setContent] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ValidationReport | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!signed) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const body: { signature_base64: string; content_base64?: string } = {
        signature_base64: await fileBase64(signed),
      };
      if (content) body.content_base64 = await fileBase64(content);
      setReport(await api.verifySignature(body));
    } catch (err: unknown) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageHeading title={t('sig.title')}>
        <p>{t('sig.intro')}</p>
      </PageHeading>
      <form class="card sig-form" onSubmit={submit} data-testid="sig-form">
        <FilePicker label={t('sig.file')} hint={t('sig.file.hint')} file={signed} onFile={setSigned} testid="sig-file" />
        <FilePicker
          label={t('sig.content')}
          hint={t('sig.content.hint')}
          file={content}
          onFile={setContent}
          testid="sig-content"
        />
        <button type="submit" class="button button-primary" disabled={!signed || busy} data-testid="sig-submit">
          {busy ? t('sig.running') : t('sig.submit')}
        </button>
      </form>
      {error !== null && <ErrorBox error={error} />}
      {report && <Report report={report} />}
    </section>
  );
}
