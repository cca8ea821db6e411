/**
 * @module limits
 * Bounds every backend shares: how long a writer waits for another's lock, and the most rows one
 * read returns (callers page past them).
 */

/** How long a transaction waits for another writer's lock before giving up. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/** The most entries one audit query returns; callers page with `afterId`. */
export const MAX_AUDIT_PAGE = 10_000;
/** The most changes one read of the change feed returns; callers page with the last `seq`. */
export const MAX_CHANGES_PAGE = 10_000;
