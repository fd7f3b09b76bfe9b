import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Health, type Status as StatusBody } from '../api';
import { useI18n } from '../i18n';
import { databaseName, formatDuration } from '../format';
import { ErrorBox } from '../components/ErrorBox';
import { PageHeading } from '../components/PageHeading';
import { Sparkline } from '../components/Sparkline';

export const POLL_MS = 5000;
/** How many request-count deltas the sparkline shows. */
const HISTORY = 24;

type HealthState = { kind: 'loading' } | { kind: 'ok'; body: Health } | { kind: 'unreachable' };

interface Snapshot {
  health: HealthState;
  status: StatusBody | null;
  statusError: unknown;
  /** requests_total of the recent polls, oldest first. */
  totals: number[];
  updatedAt: Date | null;
}

/** Requests between consecutive polls; a counter that went down (restart) restarts the series. */
export function deltas(totals: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < totals.length; i++) {
    const prev = totals[i - 1] as number;
    const cur = totals[i] as number;
    out.push(cur >= prev ? cur - prev : cur);
  }
  return out;
}

export function StatusPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [snap, setSnap] = useState<Snapshot>({
    health: { kind: 'loading' },
    status: null,
    statusError: null,
    totals: [],
    updatedAt: null,
  });
  const inFlight = useRef(false);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;

    async function poll() {
      if (inFlight.current) return;
      inFlight.current = true;
      try {
        const [health, status] = await Promise.allSettled([api.health(signal), api.status(signal)]);
        if (signal.aborted) return;
        setSnap((prev) => {
          const next: Snapshot = { ...prev, updatedAt: new Date() };
          if (health.status === 'fulfilled' && health.value && typeof health.value.status === 'string') {
            next.health = { kind: 'ok', body: health.value };
          } else {
            next.health = { kind: 'unreachable' };
          }
          if (status.status === 'fulfilled' && status.value) {
            next.status = status.value;
            next.statusError = null;
            const total = status.value.http?.requests_total;
            if (typeof total === 'number') next.totals = [...prev.totals, total].slice(-(HISTORY + 1));
          } else if (status.status === 'rejected') {
            next.statusError = status.reason;
          }
          return next;
        });
      } finally {
        inFlight.current = false;
      }
    }

    // Poll every 5 s while the page is visible; catch up at once when it shows again.
    const pollIfVisible = () => {
      if (!document.hidden) void poll();
    };
    void poll();
    const timer = window.setInterval(pollIfVisible, POLL_MS);
    document.addEventListener('visibilitychange', pollIfVisible);
    return () => {
      controller.abort();
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', pollIfVisible);
    };
  }, []);

  const { health, status, statusError, totals, updatedAt } = snap;
  const na = t('status.notAvailable');
  const healthBody = health.kind === 'ok' ? health.body : null;
  const healthState = health.kind === 'loading' ? 'loading' : health.kind === 'unreachable' ? 'unreachable' : healthBody?.status === 'ok' ? 'ok' : 'degraded';
  const healthText =
    health.kind === 'loading'
      ? na
      : health.kind === 'unreachable'
        ? t('status.health.unreachable')
        : health.body.status === 'ok'
          ? t('status.health.ok')
          : t('status.health.other', { status: health.body.status });
  const version = healthBody?.version ?? status?.version;
  const database = healthBody?.database ?? status?.database;
  const series = deltas(totals);
  const lastDelta = series[series.length - 1];

  const counts: ReadonlyArray<{ id: string; label: Parameters<typeof t>[0]; value: number | undefined }> = [
    { id: 'count-organisations', label: 'status.count.organisations', value: status?.counts?.organisations },
    { id: 'count-users', label: 'status.count.users', value: status?.counts?.users },
    { id: 'count-tokens', label: 'status.count.tokens', value: status?.counts?.tokens_active },
  ];

  return (
    <section class="status-page">
      <PageHeading title={t('status.title')}>
        <p>{t('status.intro')}</p>
      </PageHeading>

      {statusError !== null && !(statusError instanceof ApiError && statusError.status === 401) && (
        <ErrorBox error={statusError} />
      )}

      <div class="stat-grid">
        <div class={`card stat stat-health health-${healthState}`}>
          <p class="stat-label">{t('status.health')}</p>
          <p class="stat-value">
            <span class="status-dot" aria-hidden="true" />
            <span data-testid="health" data-state={healthState}>
              {healthText}
            </span>
          </p>
        </div>
        <div class="card stat">
          <p class="stat-label">{t('status.version')}</p>
          <p class="stat-value mono" data-testid="version">
            {version ?? na}
          </p>
        </div>
        <div class="card stat">
          <p class="stat-label">{t('status.database')}</p>
          <p class="stat-value" data-testid="database" data-engine={database ?? ''}>
            {database ? databaseName(i18n, database) : na}
          </p>
        </div>
        <div class="card stat">
          <p class="stat-label">{t('status.uptime')}</p>
          <p class="stat-value" data-testid="uptime">
            {status ? formatDuration(i18n, status.uptime_seconds) : na}
          </p>
          {status?.started_at && (
            <p class="stat-note">
              {t('status.startedAt', { time: i18n.formatDateTime(status.started_at) })}
            </p>
          )}
        </div>
      </div>

      <h2 class="section-title">{t('status.counts')}</h2>
      <div class="tile-grid">
        {counts.map((c) => (
          <div key={c.id} class="card tile">
            <p class="tile-value" data-testid={c.id} data-value={c.value ?? ''}>
              {c.value === undefined ? na : i18n.formatNumber(c.value)}
            </p>
            <p class="tile-label">{t(c.label)}</p>
          </div>
        ))}
      </div>

      <h2 class="section-title">{t('status.requests')}</h2>
      <div class="card requests">
        <div class="requests-figures">
          <p class="tile-value" data-testid="requests-last">
            {lastDelta === undefined ? na : i18n.formatNumber(lastDelta)}
          </p>
          <p class="tile-label">{t('status.requestsPerPoll')}</p>
          <p class="stat-note" data-testid="requests-total">
            {status ? t('status.requestsTotal', { n: i18n.formatNumber(status.http.requests_total) }) : na}
          </p>
        </div>
        <div class="requests-chart">
          {series.length >= 1 ? (
            <Sparkline
              values={series}
              label={t('status.sparkline.label', {
                n: series.length,
                last: i18n.formatNumber(lastDelta ?? 0),
                max: i18n.formatNumber(Math.max(...series)),
              })}
            />
          ) : (
            <p class="muted">{t('status.sparkline.waiting')}</p>
          )}
        </div>
      </div>

      {updatedAt && <p class="updated muted">{t('status.updatedAt', { time: i18n.formatTime(updatedAt) })}</p>}
    </section>
  );
}
