// Formatting helpers that need the message catalogue.

import type { I18n } from './i18n';

/** 12 → "12 s", 192 → "3 min 12 s", 7500 → "2 h 5 min", 273600 → "3 d 4 h". */
export function formatDuration(i18n: I18n, totalSeconds: number): string {
  const total = Math.max(0, Math.floor(totalSeconds));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return i18n.t('duration.days', { d, h });
  if (h > 0) return i18n.t('duration.hours', { h, m });
  if (m > 0) return i18n.t('duration.minutes', { m, s });
  return i18n.t('duration.seconds', { s });
}

export function databaseName(i18n: I18n, engine: string): string {
  switch (engine.toLowerCase()) {
    case 'sqlite':
      return i18n.t('db.sqlite');
    case 'postgres':
    case 'postgresql':
      return i18n.t('db.postgres');
    default:
      return i18n.t('db.other', { name: engine });
  }
}

export function schemeName(i18n: I18n, scheme: string): string {
  switch (scheme.toLowerCase()) {
    case 'uscc':
      return i18n.t('scheme.uscc');
    case 'lei':
      return i18n.t('scheme.lei');
    default:
      return i18n.t('scheme.other', { name: scheme });
  }
}
