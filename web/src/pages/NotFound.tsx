import { useI18n } from '../i18n';
import { PageHeading } from '../components/PageHeading';

export function NotFound() {
  const { t } = useI18n();
  return (
    <section>
      <PageHeading title={t('notFound.title')}>
        <p>{t('notFound.body')}</p>
      </PageHeading>
      <p>
        <a class="button button-secondary" href="#/status">
          {t('notFound.home')}
        </a>
      </p>
    </section>
  );
}
