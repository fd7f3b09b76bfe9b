// Area 5 — International cooperation (国际合作). Agreement articles 18, 19, 20.
import { AreaPage } from './AreaPage';
import { capability, type AreaInfo, type Capability } from './types';

export const cooperationArea: AreaInfo = {
  number: 5,
  route: 'cooperation',
  navLabel: 'nav.cooperation',
  purpose: 'cooperation.purpose',
  users: 'cooperation.users',
  articles: [18, 19, 20],
  icon: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9z',
};

// Cards marked 'coming' until built; pass { href } to capability() once a feature ships.
const capabilities: Capability[] = [
  capability('cooperation', 'pint'),
  capability('cooperation', 'windows'),
  capability('cooperation', 'trust'),
  capability('cooperation', 'transparency'),
  capability('cooperation', 'reporting'),
];

export function CooperationArea() {
  return <AreaPage area={cooperationArea} capabilities={capabilities} />;
}
