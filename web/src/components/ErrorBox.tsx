import { ApiError } from '../api';
import { useI18n, type I18n } from '../i18n';

/** The text to show a person for a failed call. */
export function errorMessage(i18n: I18n, error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.kind) {
      case 'problem':
        return error.problem?.detail ?? error.problem?.title ?? i18n.t('error.http', { status: error.status });
      case 'http':
        return i18n.t('error.http', { status: error.status });
      case 'network':
        return i18n.t('error.network');
      case 'bad-response':
        return i18n.t('error.badResponse');
    }
  }
  return i18n.t('error.title');
}

interface Props {
  error: unknown;
  /** Heading of the box; defaults to a generic one. */
  title?: string;
  onRetry?: () => void;
}

/** An error announced to assistive technology (role="alert"). */
export function ErrorBox({ error, title, onRetry }: Props) {
  const i18n = useI18n();
  const problemTitle = error instanceof ApiError && error.kind === 'problem' ? error.problem?.title : undefined;
  const message = errorMessage(i18n, error);
  return (
    <div class="alert alert-error" role="alert">
      <p class="alert-title">{title ?? problemTitle ?? i18n.t('error.title')}</p>
      <p class="alert-detail" data-testid="error-detail">
        {message}
      </p>
      {onRetry && (
        <button type="button" class="button button-secondary" onClick={onRetry}>
          {i18n.t('error.retry')}
        </button>
      )}
    </div>
  );
}
