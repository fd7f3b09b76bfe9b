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
  const [error, setError] = useState<unknown>(null);

  const load = useCallback((signal?: AbortSignal) => {
    setError(null);
    api
      .organisations(signal)
      .then((page) => setItems(Array.isArray(page?.items) ? page.items : []))
      .catch((e: unknown) => {
        if (!(e instanceof DOMException && e.name === 'AbortError')) setError(e);
      });
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal);
    return () => controller.abort();
  }, [load]);

  return (
    <section>
      <PageHeading title={t('orgs.title')}>
        <p>{t('orgs.intro')}</p>
      </PageHeading>
      {error !== null && <ErrorBox error={error} onRetry={() => load()} />}
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
                  <th scope="col">{t('orgs.col.id')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((org) => (
                  <tr key={org.id} data-testid="org-row">
                    <th scope="row" class="cell-name">
                      {org.name}
                    </th>
                    <td>
                      <span class="chip">{schemeName(i18n, org.identifier_scheme)}</span>
                    </td>
                    <td class="mono">{org.identifier}</td>
                    <td>{countryName(lang, org.country)}</td>
                    <td>
                      <time dateTime={org.created_at}>{i18n.formatDateTime(org.created_at)}</time>
                    </td>
                    <td class="mono muted">{org.id}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {items.length === 0 && <p class="empty">{t('orgs.empty')}</p>}
        </div>
      )}
    </section>
  );
}
