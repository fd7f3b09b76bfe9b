import type { MessageKey } from '../i18n';
import type { Route } from '../router';

/** A capability of an area, shown as a card. */
export interface Capability {
  /** Stable id, used as data-testid `cap-<id>`. */
  id: string;
  title: MessageKey;
  body: MessageKey;
  standards: MessageKey;
  /** 'coming' until the feature ships; then 'available' with a link. */
  state: 'coming' | 'available';
  /** Where the working feature lives once it is available. */
  href?: string;
}

/** One of the five areas of the work plan (DESIGN.md, "The five areas"). */
export interface AreaInfo {
  number: 1 | 2 | 3 | 4 | 5;
  route: Route;
  navLabel: MessageKey;
  purpose: MessageKey;
  users: MessageKey;
  /** Article numbers of the Agreement, or 'annex' for the telecom annex. */
  articles: ReadonlyArray<number | 'annex'>;
  /** SVG path (24×24 viewBox) for the navigation icon. */
  icon: string;
}
