import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, type Organisation } from '../api';
import { useI18n, type Lang } from '../i18n';
import { schemeName } from '../format';
import { ErrorBox } from '../components/ErrorBox';
import { PageHeading } from '../components/PageHeading';

function countryName(lang: Lang, code: string): string {
  try {
    const names = new Intl.DisplayNames([lang], { type: 'region' });
    const name = names.of(code.toUpperCase());
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

export function Organisations() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const [items, setItems] = useState<Organisation[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(null);

  /** Loads the first page, or the page after `after` and appends it. */
  const load = useCallback((after?: string, signal?: AbortSignal) => {
    setError(null);
    if (after !== undefined) setLoadingMore(true);
    api
      .organisations(after !== undefined ? { after } : {}, signal)
      .then((page) => {
        const got = Array.isArray(page?.items) ? page.items : [];
        setItems((prev) => (after !== undefined && prev ? [...prev, ...got] : got));
        setNext(typeof page?.next_cursor === 'string' ? page.next_cursor : null);
      })
      .catch((e: unknown) => {
        if (!(e instanceof DOMException && e.name === 'AbortError')) setError(e);
      })
      .finally(() => setLoadingMore(false));
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    load(undefined, controller.signal);
    return () => controller.abort();
  }, [load]);

  return (
    <section>
      <PageHeading title={t('orgs.title')}>
        <p>{t('orgs.intro')}</p>
      </PageHeading>
      {error !== null && <ErrorBox error={error} onRetry={() => load(items !== null && next !== null ? next : undefined)} />}
      {items === null && error === null && (
        <p class="loading" role="status">
          {t('app.loading')}
        </p>
      )}
      {items !== null && (
        <div class="card table-card">
          <div class="table-scroll">
            <table class="table" data-testid="org-table">
              <caption>
                {t('orgs.caption')} <span class="muted">· {t('orgs.count', { n: i18n.formatNumber(items.length) })}</span>
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('orgs.col.name')}</th>
                  <th scope="col">{t('orgs.col.scheme')}</th>
                  <th scope="col">{t('orgs.col.identifier')}</th>
                  <th scope="col">{t('orgs.col.country')}</th>
                  <th scope="col">{t('orgs.col.created')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((org) => (
                  <tr key={org.id} data-testid="org-row">
                    <th scope="row" class="cell-name">
                      <span class="cell-main">{org.name}</span>
                      <span class="cell-sub mono">
                        <span class="visually-hidden">{t('orgs.col.id')}: </span>
                        {org.id}
                      </span>
                    </th>
                    <td>
                      <span class="chip">{schemeName(i18n, org.identifier_scheme)}</span>
                    </td>
                    <td class="mono nowrap">{org.identifier}</td>
                    <td class="nowrap">{countryName(lang, org.country)}</td>
                    <td class="nowrap">
                      <time dateTime={org.created_at} title={i18n.formatDateTime(org.created_at)}>
                        {i18n.formatDate(org.created_at)}
                      </time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {items.length === 0 && <p class="empty">{t('orgs.empty')}</p>}
          {next !== null && (
            <div class="table-more">
              <button
                type="button"
                class="button button-secondary"
                disabled={loadingMore}
                data-testid="org-more"
                onClick={() => load(next)}
              >
                {loadingMore ? t('app.loading') : t('orgs.more')}
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
