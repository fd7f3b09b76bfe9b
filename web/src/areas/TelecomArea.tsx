// Area 4 — Telecommunications openness (电信开放). Articles 13, 21, telecom annex.
import { AreaPage } from './AreaPage';
import { capability, type AreaInfo, type Capability } from './types';

export const telecomArea: AreaInfo = {
  number: 4,
  route: 'telecom',
  navLabel: 'nav.telecom',
  purpose: 'telecom.purpose',
  users: 'telecom.users',
  articles: [13, 21, 'annex'],
  icon: 'M12 20v-8M8.5 8.5a5 5 0 0 1 7 0M5.6 5.6a9 9 0 0 1 12.8 0M12 12h.01M8 20h8',
};

// Cards marked 'coming' until built; pass { href } to capability() once a feature ships.
const capabilities: Capability[] = [
  capability('telecom', 'licences'),
  capability('telecom', 'criteria'),
  capability('telecom', 'ix'),
];

export function TelecomArea() {
  return <AreaPage area={telecomArea} capabilities={capabilities} />;
}
