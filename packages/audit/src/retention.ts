/**
 * @module retention
 * How long audit entries are kept (FR-8.5): 90 days unless configured otherwise.
 */

/**
 * FR-8.5's default retention, in days.
 *
 * @example
 * ```ts
 * DEFAULT_RETENTION_DAYS; // 90
 * ```
 */
export const DEFAULT_RETENTION_DAYS = 90;

const SECONDS_PER_DAY = 86_400;

/**
 * The unix time (seconds) before which entries may be pruned, `retentionDays` before `now`.
 * Retention must be a positive whole number of days: zero would prune the entry just written.
 *
 * @example
 * ```ts
 * retentionCutoff(1_700_000_000, 90); // 1_692_224_000
 * ```
 */
export function retentionCutoff(now: number, retentionDays: number = DEFAULT_RETENTION_DAYS): number {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new RangeError(`audit retention must be a whole number of days, at least 1 (got ${retentionDays})`);
  }
  return now - retentionDays * SECONDS_PER_DAY;
}
