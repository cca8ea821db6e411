/**
 * @module duration
 * Durations as people type them: `90d`, `24h`, `30m`, `2w`, `1h30m`. One parser for every place
 * that takes one (the CLI's `--expires-in` and `--rotate-every`, the API's `expires_in` and
 * `rotate_every`), so that what one accepts the other accepts too.
 */
import { IronSecretsError } from './errors.js';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

/** A century: anything longer is a typo in the units, not a duration. */
export const MAX_DURATION_SECONDS = 100 * 365 * 86_400;

/** The longest text read as a duration: a typo is refused before any work is done on it. */
const MAX_DURATION_TEXT = 64;

/**
 * Whole numbers (ASCII digits only) followed by a unit, one or more times; nothing else: no sign,
 * no exponent, no fraction, no space.
 */
const DURATION = /^(?:[0-9]{1,9}[smhdw])+$/;
const PART = /([0-9]{1,9})([smhdw])/g;

/**
 * Seconds in a duration such as `90d` or `1h30m`, from 1 second to 100 years. Anything else is
 * `INVALID_ARGUMENT` with a message naming `label` (the flag or field the text came from).
 *
 * @example
 * ```ts
 * parseDuration('90d', 'expires_in'); // 7776000
 * parseDuration('1h30m', '--rotate-every'); // 5400
 * ```
 */
export function parseDuration(text: string, label: string): number {
  if (typeof text !== 'string' || text.length > MAX_DURATION_TEXT || !DURATION.test(text)) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      `${label} takes a duration like 90d, 24h, 30m, 2w or 1h30m`,
    );
  }
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    seconds += Number(amount) * UNIT_SECONDS[unit as keyof typeof UNIT_SECONDS];
  }
  if (seconds < 1 || seconds > MAX_DURATION_SECONDS) {
    throw new IronSecretsError('INVALID_ARGUMENT', `${label} must be between 1 second and 100 years`);
  }
  return seconds;
}
