// Area 1 — Trade digitalisation (贸易数字化). Agreement articles 4–11.
import { AreaPage } from './AreaPage';
import { capability, type AreaInfo, type Capability } from './types';

export const tradeArea: AreaInfo = {
  number: 1,
  route: 'trade',
  navLabel: 'nav.trade',
  purpose: 'trade.purpose',
  users: 'trade.users',
  articles: [4, 5, 6, 7, 8, 9, 10, 11],
  icon: 'M3 17h13l3-5H6l-3 5zM7 12V7h6v5M13 9h3l2 3M5 20h14',
};

// Cards marked 'coming' until built; pass { href } to capability() once a feature ships.
const capabilities: Capability[] = [
  capability('trade', 'etr', { href: '#/etr' }),
  capability('trade', 'sign'),
  capability('trade', 'contracts'),
  capability('trade', 'einvoice', { href: '#/einvoices' }),
  capability('trade', 'window'),
  capability('trade', 'verify'),
];

export function TradeArea() {
  return <AreaPage area={tradeArea} capabilities={capabilities} />;
}
