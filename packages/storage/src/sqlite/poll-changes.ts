/**
 * @module poll-changes
 * SQLite has no cross-process notification: the heads of the change feed and of the audit log
 * are polled. Two indexed reads (`max(seq)`, the newest audit id) in one read-only transaction,
 * which never waits for a writer in WAL mode.
 *
 * The audit head is watched too because everything another process does that a watcher cares
 * about appends an audit entry: a secret's change (with a feed row), a token's revocation (which
 * must end that token's event streams within a second), and every read (which an audit stream
 * follows). Watchers are told the change feed's head either way; it may repeat.
 */
import type { ChangeSource } from '../lib/change-listeners.js';

/** How often SQLite's change feed is polled by default: live rotation within a second. */
export const DEFAULT_CHANGE_POLL_MS = 250;

/** Where the change feed and the audit log end: each only ever grows. */
export interface FeedHeads {
  /** The latest change's sequence number, 0 when none. */
  readonly change: number;
  /** The newest audit entry's id, 0 when none. */
  readonly audit: number;
}

/** A change source that reads both heads every `intervalMs` and notifies when either moved. */
export function pollChanges(heads: () => Promise<FeedHeads>, intervalMs: number): ChangeSource {
  return async (notify) => {
    let seen = await heads();
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const tick = async () => {
      try {
        const now = await heads();
        if (now.change > seen.change || now.audit > seen.audit) {
          seen = now;
          notify(now.change);
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
