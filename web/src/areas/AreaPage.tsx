import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n';
import { PageHeading } from '../components/PageHeading';
import type { AreaInfo, Capability } from './types';

interface Props {
  area: AreaInfo;
  capabilities: readonly Capability[];
  /** Working features of the area, shown above the capability cards. */
  children?: ComponentChildren;
}

/** The common layout of an area page: purpose, users, articles, capabilities. */
export function AreaPage({ area, capabilities, children }: Props) {
  const { t } = useI18n();
  return (
    <section class="area-page" data-testid={`area-${area.route}`}>
      <PageHeading title={t(area.navLabel)} eyebrow={t('area.label', { n: area.number })}>
        <p class="lead">{t(area.purpose)}</p>
      </PageHeading>

      <dl class="area-facts">
        <div>
          <dt>{t('area.users')}</dt>
          <dd>{t(area.users)}</dd>
        </div>
        <div>
          <dt>{t('area.articles')}</dt>
          <dd>
            <ul class="chips">
              {area.articles.map((a) => (
                <li key={a} class="chip">
                  {a === 'annex' ? t('area.telecomAnnex') : t('area.article', { n: a })}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      </dl>

      {children}

      <h2 class="section-title">{t('area.capabilities')}</h2>
      <ul class="cards">
        {capabilities.map((c) => (
          <li key={c.id} class={`card capability capability-${c.state}`} data-testid={`cap-${c.id}`}>
            <div class="card-head">
              <h3 class="card-title">
                {c.state === 'available' && c.href ? <a href={c.href}>{t(c.title)}</a> : t(c.title)}
              </h3>
              {c.state === 'coming' && (
                <span class="badge badge-coming" data-testid="badge-coming">
                  {t('area.coming')}
                </span>
              )}
            </div>
            <p class="card-body">{t(c.body)}</p>
            <p class="card-foot">
              <span class="visually-hidden">{t('area.standards')}: </span>
              {t(c.standards)}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
