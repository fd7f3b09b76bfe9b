// Area 2 — Data governance (数据治理). Agreement articles 12, 16, 25.
import { AreaPage } from './AreaPage';
import { capability, type AreaInfo, type Capability } from './types';

export const dataArea: AreaInfo = {
  number: 2,
  route: 'data',
  navLabel: 'nav.data',
  purpose: 'data.purpose',
  users: 'data.users',
  articles: [12, 16, 25],
  icon: 'M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3zM4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3',
};

// Cards marked 'coming' until built; pass { href } to capability() once a feature ships.
const capabilities: Capability[] = [
  capability('data', 'registry'),
  capability('data', 'crossborder'),
  capability('data', 'pii'),
  capability('data', 'consent'),
  capability('data', 'dsr'),
  capability('data', 'opendata'),
];

export function DataArea() {
  return <AreaPage area={dataArea} capabilities={capabilities} />;
}
