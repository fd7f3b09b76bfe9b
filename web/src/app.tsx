import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { api, getToken, onSignOut, signOut, type Me, type SignOutReason } from './api';
import { I18nContext, initialLang, makeI18n, saveLang, type Lang, type MessageKey } from './i18n';
import { DEFAULT_ROUTE, navigate, useRoute, type Route } from './router';
import { AREAS } from './areas';
import { Header } from './components/Header';
import { Nav } from './components/Nav';
import { ErrorBox } from './components/ErrorBox';
import { SignIn } from './pages/SignIn';
import { StatusPage } from './pages/Status';
import { Organisations } from './pages/Organisations';
import { EvidenceLog } from './pages/EvidenceLog';
import { Signatures } from './pages/Signatures';
import { EtrPage } from './etr/EtrPage';
import { NotFound } from './pages/NotFound';
import { EinvoicePage } from './einvoice/EinvoicePage';

type Session =
  | { phase: 'checking' }
  | { phase: 'signed-out'; notice: SignOutReason | null }
  | { phase: 'signed-in'; me: Me }
  | { phase: 'error'; error: unknown };

const PAGE_TITLES: Record<Route, MessageKey> = {
  status: 'nav.status',
  organisations: 'nav.organisations',
  log: 'nav.log',
  signatures: 'nav.signatures',
  einvoices: 'nav.einvoices',
  etr: 'nav.etr',
  trade: 'nav.trade',
  data: 'nav.data',
  consumer: 'nav.consumer',
  telecom: 'nav.telecom',
  cooperation: 'nav.cooperation',
};

function Page({ route, me }: { route: Route | '' | null; me: Me }) {
  switch (route) {
    case 'status':
    case '':
      return <StatusPage />;
    case 'organisations':
      return <Organisations />;
    case 'log':
      return <EvidenceLog />;
    case 'signatures':
      return <Signatures />;
    case 'einvoices':
      return <EinvoicePage />;
    case 'etr':
      return <EtrPage me={me} />;
    case null:
      return <NotFound />;
    default: {
      const area = AREAS.find((a) => a.route === route);
      if (!area) return <NotFound />;
      const Area = area.component;
      return <Area />;
    }
  }
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    saveLang(next);
    setLangState(next);
  }, []);
  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  const route = useRoute();
  const [session, setSession] = useState<Session>(() =>
    getToken() ? { phase: 'checking' } : { phase: 'signed-out', notice: null },
  );

  // Whoever signs out (the button, or the API client on a 401), the app
  // drops back to the sign-in page.
  useEffect(
    () =>
      onSignOut((reason) => {
        setSession({ phase: 'signed-out', notice: reason });
        if (location.hash !== '' && location.hash !== '#/') location.hash = '#/';
      }),
    [],
  );

  const checkSession = useCallback(() => {
    setSession({ phase: 'checking' });
    api
      .me()
      .then((me) => setSession({ phase: 'signed-in', me }))
      .catch((error: unknown) => {
        // A 401 has already signed the user out (see onSignOut above).
        if (getToken() !== null) setSession({ phase: 'error', error });
      });
  }, []);

  useEffect(() => {
    if (session.phase === 'checking') checkSession();
    // Only on start: later checks are started by the retry button.
  }, []);

  // Signed in without a page in the address: show the status page.
  useEffect(() => {
    if (session.phase === 'signed-in' && route === '') navigate(DEFAULT_ROUTE);
  }, [session.phase, route]);

  // The document's language and title follow the UI.
  useEffect(() => {
    document.documentElement.lang = lang;
    const name = i18n.t('app.name');
    let page: string;
    if (session.phase !== 'signed-in') page = i18n.t('signin.title');
    else if (route === null) page = i18n.t('notFound.title');
    else page = i18n.t(PAGE_TITLES[route === '' ? DEFAULT_ROUTE : route]);
    document.title = `${page} · ${name}`;
  }, [lang, i18n, session.phase, route]);

  const skipToMain = (event: JSX.TargetedMouseEvent<HTMLAnchorElement>) => {
    // The hash is the router's, so move the focus instead of following the link.
    event.preventDefault();
    document.getElementById('main')?.focus();
  };

  let content: JSX.Element;
  switch (session.phase) {
    case 'checking':
      content = (
        <p class="loading" role="status">
          {i18n.t('app.loading')}
        </p>
      );
      break;
    case 'error':
      content = <ErrorBox error={session.error} onRetry={checkSession} />;
      break;
    case 'signed-out':
      content = (
        <SignIn
          notice={session.notice}
          onSignedIn={(me) => {
            setSession({ phase: 'signed-in', me });
            navigate(DEFAULT_ROUTE);
          }}
        />
      );
      break;
    case 'signed-in':
      content = <Page key={route ?? '404'} route={route} me={session.me} />;
      break;
  }

  const signedIn = session.phase === 'signed-in';
  return (
    <I18nContext.Provider value={i18n}>
      <a class="skip-link" href="#main" onClick={skipToMain}>
        {i18n.t('app.skipToContent')}
      </a>
      <Header me={signedIn ? session.me : null} onSignOut={() => signOut('user')} />
      <div class={signedIn ? 'layout' : 'layout layout-single'}>
        {signedIn && <Nav current={route === '' ? DEFAULT_ROUTE : route} />}
        <main id="main" class="main" tabIndex={-1}>
          {content}
        </main>
      </div>
      <footer class="app-footer">
        <p>{i18n.t('app.footer')}</p>
      </footer>
    </I18nContext.Provider>
  );
}
