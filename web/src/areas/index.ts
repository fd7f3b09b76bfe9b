// The five areas, in the order of the work plan. Each area is one component
// file; later work adds its features inside that file (as children of
// AreaPage) and flips its capability cards from 'coming' to 'available'.
import type { FunctionComponent } from 'preact';
import { TradeArea, tradeArea } from './TradeArea';
import { DataArea, dataArea } from './DataArea';
import { ConsumerArea, consumerArea } from './ConsumerArea';
import { TelecomArea, telecomArea } from './TelecomArea';
import { CooperationArea, cooperationArea } from './CooperationArea';
import type { AreaInfo } from './types';

export type { AreaInfo, Capability } from './types';

export interface AreaEntry extends AreaInfo {
  component: FunctionComponent;
}

export const AREAS: readonly AreaEntry[] = [
  { ...tradeArea, component: TradeArea },
  { ...dataArea, component: DataArea },
  { ...consumerArea, component: ConsumerArea },
  { ...telecomArea, component: TelecomArea },
  { ...cooperationArea, component: CooperationArea },
];
