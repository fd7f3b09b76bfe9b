// Area 3 — Consumer protection (消费者保护). Agreement articles 14, 15.
import { AreaPage } from './AreaPage';
import type { AreaInfo, Capability } from './types';

export const consumerArea: AreaInfo = {
  number: 3,
  route: 'consumer',
  navLabel: 'nav.consumer',
  purpose: 'consumer.purpose',
  users: 'consumer.users',
  articles: [14, 15],
  icon: 'M12 3l7 3v5c0 4.5-3 8.5-7 10-4-1.5-7-5.5-7-10V6l7-3zM9 12l2 2 4-4',
};

const capabilities: Capability[] = [
  { id: 'odr', title: 'consumer.cap.odr.title', body: 'consumer.cap.odr.body', standards: 'consumer.cap.odr.std', state: 'coming' },
  { id: 'messaging', title: 'consumer.cap.messaging.title', body: 'consumer.cap.messaging.body', standards: 'consumer.cap.messaging.std', state: 'coming' },
  { id: 'disclosures', title: 'consumer.cap.disclosures.title', body: 'consumer.cap.disclosures.body', standards: 'consumer.cap.disclosures.std', state: 'coming' },
  { id: 'nondelivery', title: 'consumer.cap.nondelivery.title', body: 'consumer.cap.nondelivery.body', standards: 'consumer.cap.nondelivery.std', state: 'coming' },
];

export function ConsumerArea() {
  return <AreaPage area={consumerArea} capabilities={capabilities} />;
}
