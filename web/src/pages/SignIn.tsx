import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { api, setToken, type Me, type SignOutReason } from '../api';
import { useI18n } from '../i18n';
import { ErrorBox } from '../components/ErrorBox';
import { PageHeading } from '../components/PageHeading';

interface Props {
  /** Why the sign-in page is showing after a session, if it is. */
  notice: SignOutReason | null;
  onSignedIn: (me: Me) => void;
}

export function SignIn({ notice, onSignedIn }: Props) {
  const { t } = useI18n();
  const [token, setTokenText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [empty, setEmpty] = useState(false);

  async function submit(event: JSX.TargetedEvent<HTMLFormElement>) {
    event.preventDefault();
    const candidate = token.trim();
    setError(null);
    setEmpty(candidate === '');
    if (candidate === '') return;
    setBusy(true);
    try {
      const me = await api.me(candidate);
      setToken(candidate);
      onSignedIn(me);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <div class="signin">
      <section class="signin-card card">
        <PageHeading title={t('signin.title')}>
          <p>{t('signin.intro')}</p>
        </PageHeading>
        {notice && !error && (
          <p class="alert alert-info" role="status">
            {t(notice === 'expired' ? 'signin.sessionEnded' : 'signin.signedOut')}
          </p>
        )}
        {error !== null && <ErrorBox error={error} title={t('signin.failed')} />}
        <form class="form" onSubmit={submit} noValidate>
          <div class="field">
            <label for="token">{t('signin.tokenLabel')}</label>
            <input
              id="token"
              name="token"
              type="password"
              inputMode="text"
              autoComplete="off"
              autoCapitalize="off"
              spellcheck={false}
              placeholder="dt_…"
              value={token}
              aria-describedby={empty ? 'token-hint token-error' : 'token-hint'}
              aria-invalid={empty || error !== null}
              onInput={(e) => setTokenText(e.currentTarget.value)}
              data-testid="token-input"
            />
            <p class="field-hint" id="token-hint">
              {t('signin.tokenHint')}
            </p>
            {empty && (
              <p class="field-error" id="token-error" role="alert">
                {t('signin.emptyToken')}
              </p>
            )}
          </div>
          <button type="submit" class="button button-primary" disabled={busy} data-testid="sign-in">
            {busy ? t('signin.submitting') : t('signin.submit')}
          </button>
        </form>
      </section>
    </div>
  );
}
