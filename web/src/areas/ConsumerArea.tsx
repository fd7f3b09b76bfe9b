// Area 3 — Consumer protection (消费者保护). Agreement articles 14, 15.
import { AreaPage } from './AreaPage';
import { capability, type AreaInfo, type Capability } from './types';

export const consumerArea: AreaInfo = {
  number: 3,
  route: 'consumer',
  navLabel: 'nav.consumer',
  purpose: 'consumer.purpose',
  users: 'consumer.users',
  articles: [14, 15],
  icon: 'M12 3l7 3v5c0 4.5-3 8.5-7 10-4-1.5-7-5.5-7-10V6l7-3zM9 12l2 2 4-4',
};

// Cards marked 'coming' until built; pass { href } to capability() once a feature ships.
const capabilities: Capability[] = [
  capability('consumer', 'odr'),
  capability('consumer', 'messaging'),
  capability('consumer', 'disclosures'),
  capability('consumer', 'nondelivery'),
];

export function ConsumerArea() {
  return <AreaPage area={consumerArea} capabilities={capabilities} />;
}
