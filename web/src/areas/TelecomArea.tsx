// Area 4 — Telecommunications openness (电信开放). Articles 13, 21, telecom annex.
import { AreaPage } from './AreaPage';
import type { AreaInfo, Capability } from './types';

export const telecomArea: AreaInfo = {
  number: 4,
  route: 'telecom',
  navLabel: 'nav.telecom',
  purpose: 'telecom.purpose',
  users: 'telecom.users',
  articles: [13, 21, 'annex'],
  icon: 'M12 20v-8M8.5 8.5a5 5 0 0 1 7 0M5.6 5.6a9 9 0 0 1 12.8 0M12 12h.01M8 20h8',
};

const capabilities: Capability[] = [
  { id: 'licences', title: 'telecom.cap.licences.title', body: 'telecom.cap.licences.body', standards: 'telecom.cap.licences.std', state: 'coming' },
  { id: 'criteria', title: 'telecom.cap.criteria.title', body: 'telecom.cap.criteria.body', standards: 'telecom.cap.criteria.std', state: 'coming' },
  { id: 'ix', title: 'telecom.cap.ix.title', body: 'telecom.cap.ix.body', standards: 'telecom.cap.ix.std', state: 'coming' },
];

export function TelecomArea() {
  return <AreaPage area={telecomArea} capabilities={capabilities} />;
}
