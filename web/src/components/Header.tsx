import type { Me } from '../api';
import { LANGUAGES, useI18n } from '../i18n';

interface Props {
  me: Me | null;
  onSignOut: () => void;
}

function Logo() {
  return (
    <svg class="logo" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" class="logo-bg" />
      <path d="M9 21.5 14 15l4 3.5 5.5-7.5" class="logo-line" />
      <circle cx="23.5" cy="11" r="2.2" class="logo-dot" />
    </svg>
  );
}

export function Header({ me, onSignOut }: Props) {
  const { t, lang, setLang } = useI18n();
  return (
    <header class="app-header">
      <a class="brand" href={me ? '#/status' : '#/'}>
        <Logo />
        <span class="brand-text">
          <span class="brand-name">{t('app.name')}</span>
          <span class="brand-tagline">{t('app.tagline')}</span>
        </span>
      </a>
      <div class="header-tools">
        <div class="lang-switch" role="group" aria-label={t('header.language')}>
          {LANGUAGES.map((code) => (
            <button
              key={code}
              type="button"
              lang={code}
              class="lang-option"
              aria-pressed={lang === code}
              data-testid={`lang-${code}`}
              onClick={() => setLang(code)}
            >
              {t(`lang.${code}`)}
            </button>
          ))}
        </div>
        {me && (
          <div class="user-box">
            <span class="user-avatar" aria-hidden="true">
              {me.user.name.slice(0, 1).toUpperCase()}
            </span>
            <span class="user-text">
              <span class="user-name" data-testid="user-name" title={t('header.signedInAs', { name: me.user.name })}>
                <span class="visually-hidden">{t('header.signedIn')} </span>
                {me.user.name}
              </span>
              <span class="user-meta">
                {me.organisation?.name ?? t('header.roles', { roles: me.user.roles.join(', ') })}
              </span>
            </span>
            <button type="button" class="button button-quiet" data-testid="sign-out" onClick={onSignOut}>
              {t('header.signOut')}
            </button>
          </div>
        )}
      </div>
    </header>
  );
}
