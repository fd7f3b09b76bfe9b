import type { MessageKey } from '../i18n';
import { useI18n } from '../i18n';
import { href, type Route } from '../router';
import { AREAS } from '../areas';

interface Props {
  current: Route | '' | null;
}

const PLATFORM: ReadonlyArray<{ route: Route; label: MessageKey; icon: string }> = [
  { route: 'status', label: 'nav.status', icon: 'M3 12h4l3-8 4 16 3-8h4' },
  { route: 'organisations', label: 'nav.organisations', icon: 'M4 21V5l8-2v18M12 8h8v13M7 8h2M7 12h2M7 16h2M15 12h2M15 16h2' },
  { route: 'log', label: 'nav.log', icon: 'M6 3h9l4 4v14H6zM14 3v5h5M9 13l2 2 4-4' },
  { route: 'signatures', label: 'nav.signatures', icon: 'M12 3l7 3v5c0 5-3 8-7 10-4-2-7-5-7-10V6zM9 12l2 2 4-4' },
  { route: 'einvoices', label: 'nav.einvoices', icon: 'M6 3h12v18l-3-2-3 2-3-2-3 2zM9 8h6M9 12h6M9 16h3' },
  { route: 'etr', label: 'nav.etr', icon: 'M5 3h10l4 4v14H5zM9 9h6M9 13h6M9 17h3' },
];

function NavIcon({ d }: { d: string }) {
  return (
    <svg class="nav-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={d} />
    </svg>
  );
}

export function Nav({ current }: Props) {
  const { t } = useI18n();
  const item = (route: Route, label: MessageKey, icon: string) => (
    <li key={route}>
      <a
        href={href(route)}
        class="nav-link"
        aria-current={current === route ? 'page' : undefined}
        data-testid={`nav-${route}`}
      >
        <NavIcon d={icon} />
        <span>{t(label)}</span>
      </a>
    </li>
  );
  return (
    <nav class="app-nav" aria-label={t('nav.label')}>
      <h2 class="nav-heading" id="nav-platform">
        {t('nav.platform')}
      </h2>
      <ul aria-labelledby="nav-platform">{PLATFORM.map((p) => item(p.route, p.label, p.icon))}</ul>
      <h2 class="nav-heading" id="nav-areas">
        {t('nav.areas')}
      </h2>
      <ul aria-labelledby="nav-areas">{AREAS.map((a) => item(a.route, a.navLabel, a.icon))}</ul>
    </nav>
  );
}
