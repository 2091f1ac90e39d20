import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `--grace 90s`, `10m`, `1h30m`, `500ms`: milliseconds. */
export function parseDuration(text: string, flag = '--grace'): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const joined = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || joined !== text.trim()) {
    throw new UsageError(`${flag} "${text}" is not a duration.`, { hint: `Give a duration such as 30s, 10m or 1h30m.` });
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0));
}
