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

/** Message-key prefix of each area: `<prefix>.cap.<id>.title|body|std`. */
export type AreaPrefix = 'trade' | 'data' | 'consumer' | 'telecom' | 'cooperation';

/** The capability ids of an area whose title, body and standards are all in the catalogue. */
export type CapabilityId<P extends AreaPrefix> = {
  [K in MessageKey]: K extends `${P}.cap.${infer Id}.title`
    ? `${P}.cap.${Id}.body` extends MessageKey
      ? `${P}.cap.${Id}.std` extends MessageKey
        ? Id
        : never
      : never
    : never;
}[MessageKey];

/** A capability card from its catalogue entries (`<prefix>.cap.<id>.*`). */
export function capability<P extends AreaPrefix>(
  prefix: P,
  id: CapabilityId<P>,
  available?: { href: string },
): Capability {
  // CapabilityId<P> guarantees these three keys exist.
  const key = (part: 'title' | 'body' | 'std') => `${prefix}.cap.${id}.${part}` as MessageKey;
  return {
    id,
    title: key('title'),
    body: key('body'),
    standards: key('std'),
    ...(available ? { state: 'available' as const, href: available.href } : { state: 'coming' as const }),
  };
}
