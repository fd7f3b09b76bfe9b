// Area 5 — International cooperation (国际合作). Agreement articles 18, 19, 20.
import { AreaPage } from './AreaPage';
import type { AreaInfo, Capability } from './types';

export const cooperationArea: AreaInfo = {
  number: 5,
  route: 'cooperation',
  navLabel: 'nav.cooperation',
  purpose: 'cooperation.purpose',
  users: 'cooperation.users',
  articles: [18, 19, 20],
  icon: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9z',
};

const capabilities: Capability[] = [
  { id: 'pint', title: 'cooperation.cap.pint.title', body: 'cooperation.cap.pint.body', standards: 'cooperation.cap.pint.std', state: 'coming' },
  { id: 'windows', title: 'cooperation.cap.windows.title', body: 'cooperation.cap.windows.body', standards: 'cooperation.cap.windows.std', state: 'coming' },
  { id: 'trust', title: 'cooperation.cap.trust.title', body: 'cooperation.cap.trust.body', standards: 'cooperation.cap.trust.std', state: 'coming' },
  { id: 'transparency', title: 'cooperation.cap.transparency.title', body: 'cooperation.cap.transparency.body', standards: 'cooperation.cap.transparency.std', state: 'coming' },
  { id: 'reporting', title: 'cooperation.cap.reporting.title', body: 'cooperation.cap.reporting.body', standards: 'cooperation.cap.reporting.std', state: 'coming' },
];

export function CooperationArea() {
  return <AreaPage area={cooperationArea} capabilities={capabilities} />;
}
