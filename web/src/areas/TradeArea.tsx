// Area 1 — Trade digitalisation (贸易数字化). Agreement articles 4–11.
import { AreaPage } from './AreaPage';
import type { AreaInfo, Capability } from './types';

export const tradeArea: AreaInfo = {
  number: 1,
  route: 'trade',
  navLabel: 'nav.trade',
  purpose: 'trade.purpose',
  users: 'trade.users',
  articles: [4, 5, 6, 7, 8, 9, 10, 11],
  icon: 'M3 17h13l3-5H6l-3 5zM7 12V7h6v5M13 9h3l2 3M5 20h14',
};

const capabilities: Capability[] = [
  { id: 'etr', title: 'trade.cap.etr.title', body: 'trade.cap.etr.body', standards: 'trade.cap.etr.std', state: 'coming' },
  { id: 'sign', title: 'trade.cap.sign.title', body: 'trade.cap.sign.body', standards: 'trade.cap.sign.std', state: 'coming' },
  { id: 'contracts', title: 'trade.cap.contracts.title', body: 'trade.cap.contracts.body', standards: 'trade.cap.contracts.std', state: 'coming' },
  { id: 'einvoice', title: 'trade.cap.einvoice.title', body: 'trade.cap.einvoice.body', standards: 'trade.cap.einvoice.std', state: 'coming' },
  { id: 'window', title: 'trade.cap.window.title', body: 'trade.cap.window.body', standards: 'trade.cap.window.std', state: 'coming' },
  { id: 'verify', title: 'trade.cap.verify.title', body: 'trade.cap.verify.body', standards: 'trade.cap.verify.std', state: 'coming' },
];

export function TradeArea() {
  return <AreaPage area={tradeArea} capabilities={capabilities} />;
}
