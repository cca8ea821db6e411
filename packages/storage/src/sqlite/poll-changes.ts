/**
 * @module poll-changes
 * SQLite has no cross-process notification: the change feed's head is polled. One indexed read
 * of `max(seq)` in a read-only transaction, which never waits for a writer in WAL mode.
 */
import type { ChangeSource } from '../lib/change-listeners.js';

/** How often SQLite's change feed is polled by default: live rotation within a second. */
export const DEFAULT_CHANGE_POLL_MS = 250;

/** A change source that polls `latest()` every `intervalMs`. */
export function pollChanges(latest: () => Promise<number>, intervalMs: number): ChangeSource {
  return async (notify) => {
    let seen = await latest();
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const tick = async () => {
      try {
        const now = await latest();
        if (now > seen) {
          seen = now;
          notify(now);
        }
      } catch {
        // the database is closing or busy: try again at the next tick
      }
      if (!stopped) timer = setTimeout(tick, intervalMs).unref();
    };
    timer = setTimeout(tick, intervalMs).unref();
    return async () => {
      stopped = true;
      clearTimeout(timer);
    };
  };
}
