// Area 2 — Data governance (数据治理). Agreement articles 12, 16, 25.
import { AreaPage } from './AreaPage';
import type { AreaInfo, Capability } from './types';

export const dataArea: AreaInfo = {
  number: 2,
  route: 'data',
  navLabel: 'nav.data',
  purpose: 'data.purpose',
  users: 'data.users',
  articles: [12, 16, 25],
  icon: 'M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3zM4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3',
};

const capabilities: Capability[] = [
  { id: 'registry', title: 'data.cap.registry.title', body: 'data.cap.registry.body', standards: 'data.cap.registry.std', state: 'coming' },
  { id: 'crossborder', title: 'data.cap.crossborder.title', body: 'data.cap.crossborder.body', standards: 'data.cap.crossborder.std', state: 'coming' },
  { id: 'pii', title: 'data.cap.pii.title', body: 'data.cap.pii.body', standards: 'data.cap.pii.std', state: 'coming' },
  { id: 'consent', title: 'data.cap.consent.title', body: 'data.cap.consent.body', standards: 'data.cap.consent.std', state: 'coming' },
  { id: 'dsr', title: 'data.cap.dsr.title', body: 'data.cap.dsr.body', standards: 'data.cap.dsr.std', state: 'coming' },
  { id: 'opendata', title: 'data.cap.opendata.title', body: 'data.cap.opendata.body', standards: 'data.cap.opendata.std', state: 'coming' },
];

export function DataArea() {
  return <AreaPage area={dataArea} capabilities={capabilities} />;
}
