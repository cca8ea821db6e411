/**
 * @module mask-secret
 * FR-7: the masked form of a value, for dashboards and viewers.
 */

/** Values this long or shorter show nothing (FR-7.2, RULINGS R2). */
const FULLY_MASKED_UP_TO = 10;
/** Values up to this long show 3 characters at each end. */
const SHORT_MASK_UP_TO = 20;
const SHORT_PREFIX = 3;
const LONG_PREFIX = 10;
const SUFFIX = 3;
const ELLIPSIS = '...';
const FULL_MASK = '***';

/**
 * Masks a secret value by FR-7.2, counting Unicode code points (R2) so that no character is
 * ever cut in half:
 * - 10 or fewer: `***` (a short secret must not show most of itself);
 * - 11 to 20: first 3 + `...` + last 3;
 * - more than 20: first 10 + `...` + last 3.
 *
 * @example
 * ```ts
 * maskSecret('short'); // '***'
 * maskSecret('medium_length'); // 'med...gth'
 * maskSecret('sk-proj-abc123def456ghi789'); // 'sk-proj-ab...789'
 * ```
 */
export function maskSecret(value: string): string {
  const codePoints = Array.from(value);
  const length = codePoints.length;
  if (length <= FULLY_MASKED_UP_TO) return FULL_MASK;
  const prefix = length <= SHORT_MASK_UP_TO ? SHORT_PREFIX : LONG_PREFIX;
  return codePoints.slice(0, prefix).join('') + ELLIPSIS + codePoints.slice(length - SUFFIX).join('');
}
