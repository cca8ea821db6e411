/**
 * @module duration
 * Durations as operators type them: `90d`, `24h`, `30m`, `2w`, `1h30m`.
 */
import { CliError } from './cli-error.js';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

/** A century: anything longer is a typo in the units, not a duration. */
const MAX_SECONDS = 100 * 365 * 86_400;

/** Whole numbers followed by a unit, one or more times; nothing else. */
const DURATION = /^(?:\d{1,9}[smhdw])+$/;
const PART = /(\d{1,9})([smhdw])/g;

/**
 * Seconds in a duration such as `90d` or `1h30m`; a usage error naming `flag` otherwise.
 *
 * @example
 * ```ts
 * parseDuration('90d', '--expires-in'); // 7776000
 * ```
 */
export function parseDuration(text: string, flag: string): number {
  if (text.length > 64 || !DURATION.test(text)) {
    throw new CliError('USAGE', `${flag} takes a duration like 90d, 24h, 30m, 2w or 1h30m`);
  }
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    seconds += Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
  }
  if (seconds < 1 || seconds > MAX_SECONDS) {
    throw new CliError('USAGE', `${flag} must be between 1 second and 100 years`);
  }
  return seconds;
}
