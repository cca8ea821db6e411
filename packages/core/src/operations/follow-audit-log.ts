/**
 * @module follow-audit-log
 * Following the audit trail as it is written (issue 14, finding 5): what a SIEM ships.
 *
 * Entries come in id order, which is commit order (writers never interleave, on SQLite or across
 * PostgreSQL instances). The follower keeps one cursor, the last id it has read past, and every
 * read takes all entries after it: a wake-up can come early, late or twice and no entry is missed
 * or repeated. It is woken by the change feed (on SQLite that is every audit entry of any
 * process; on PostgreSQL, changes and revocations) and otherwise polls every
 * {@link FOLLOW_POLL_MS}: a READ does not NOTIFY every instance, which would wake every event
 * stream of a busy cluster for nothing. A consumer that restarts resumes with `afterId`, the
 * last id it kept: delivery is at least once, in id order.
 */
import { Operation } from '@iron/secrets-rbac';
import type { AuditQuery, ChangeSubscription, StoredAuditRow, Transaction } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { authorizeOrThrow } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { Doorbell } from '../lib/doorbell.js';
import { assertOptionalEnvironment, wholeNumber } from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';
import {
  type AuditEntry,
  type AuditFilters,
  checkAuditFilters,
  MAX_AUDIT_LIMIT,
  readAuditEntries,
  scopeFilter,
  toAuditEntry,
  visibleTo,
} from './audit-log.js';

/** Without a wake-up from the change feed, the log is read again after this long. */
export const FOLLOW_POLL_MS = 500;

/** Entries read at most per transaction: a follower far behind catches up in pages. */
const FOLLOW_PAGE = 1_000;

/** Options of `followAuditLog`. */
export interface FollowAuditLogOptions extends AuditFilters {
  /** Resume: every entry after this id, oldest first, then new ones. */
  readonly afterId?: number | undefined;
  /**
   * Without `afterId`: first the newest `backlog` entries (like `tail -n N -f`), then new ones.
   * Default 0: only entries committed from now on.
   */
  readonly backlog?: number | undefined;
  /** Who follows; omitted, admin. Agents may not read the audit log. */
  readonly requester?: RequesterInput | undefined;
  /** Ends the following: the iteration ends, even while it waits. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * The entries as they are committed, in batches (each oldest first; a batch is what one read
 * found). It ends when `close()` is called, the signal aborts, or (with an error) the manager
 * closes.
 */
export interface AuditFollow extends AsyncIterable<readonly AuditEntry[]> {
  /** Stops following and releases the change-feed subscription; the iteration ends. */
  close(): Promise<void>;
}

/** What following needs from the manager: each read runs as one operation, between them none. */
export interface AuditFollowHost {
  run<T>(operation: (context: ManagerContext) => Promise<T>): Promise<T>;
  watchChanges(listener: () => void): Promise<ChangeSubscription>;
}

/** The filters of every read, in SQL (the same as `auditLog`'s). */
type Filter = Omit<AuditQuery, 'limit'>;

export async function followAuditLog(
  host: AuditFollowHost,
  options: FollowAuditLogOptions = {},
): Promise<AuditFollow> {
  const requester = toRequester(options.requester);
  const filter: Filter = { ...checkAuditFilters(options), ...scopeFilter(requester) };
  assertOptionalEnvironment(options.environment);
  const afterId = wholeNumber(options.afterId, 'afterId', 0, Number.MAX_SAFE_INTEGER);
  const backlog = wholeNumber(options.backlog, 'backlog', 0, MAX_AUDIT_LIMIT) ?? 0;
  if (afterId !== undefined && backlog > 0) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      'give afterId (resume) or backlog (the newest entries), not both',
    );
  }
  // Refused before anything is opened; not audited, as reading the log is not (auditLog).
  authorizeOrThrow(requester, Operation.ReadAudit, { environment: options.environment });
  const visible = visibleTo(requester);

  const stop = new AbortController();
  const bell = new Doorbell();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  stop.signal.addEventListener('abort', () => bell.ring(), { once: true });

  let released = false;
  let subscription: ChangeSubscription | undefined;
  const release = async () => {
    if (released) return;
    released = true;
    options.signal?.removeEventListener('abort', onAbort);
    await subscription?.close().catch(() => {});
  };

  let start: Page;
  try {
    // Subscribed before the starting point is read: an entry committed in between rings.
    subscription = await host.watchChanges(() => bell.ring());
    start = await host.run((context) =>
      context.storage.transaction(
        (tx) =>
          afterId !== undefined
            ? Promise.resolve({ rows: [], cursor: afterId, more: true })
            : newest(tx, filter, backlog, visible),
        { readOnly: true },
      ),
    );
  } catch (error) {
    await release();
    throw error;
  }

  async function* batches(): AsyncGenerator<readonly AuditEntry[]> {
    try {
      let page = start;
      for (;;) {
        const entries = page.rows.filter(visible).map(toAuditEntry);
        if (stop.signal.aborted) return;
        if (entries.length > 0) yield entries;
        if (stop.signal.aborted) return;
        if (!page.more) await bell.wait(FOLLOW_POLL_MS);
        if (stop.signal.aborted) return;
        const cursor = page.cursor;
        page = await host.run((context) =>
          context.storage.transaction((tx) => after(tx, filter, cursor), { readOnly: true }),
        );
      }
    } finally {
      await release();
    }
  }

  const iterator = batches();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: async () => {
      stop.abort();
      await release();
    },
  };
}

/** What one read found: matching rows (before the requester's scope), and where to go on. */
interface Page {
  readonly rows: readonly StoredAuditRow[];
  /** The id every later read starts after. */
  readonly cursor: number;
  /** Whether more may be there already (a full page): read again without waiting. */
  readonly more: boolean;
}

/**
 * The newest `count` matching entries the requester may see (`auditLog`'s rule), and the log's
 * head as the cursor, from one snapshot.
 */
async function newest(
  tx: Transaction,
  filter: Filter,
  count: number,
  visible: (row: StoredAuditRow) => boolean,
): Promise<Page> {
  const rows = count > 0 ? await readAuditEntries(tx, { ...filter, latest: true }, count, visible) : [];
  return { rows, cursor: await head(tx), more: false };
}

/**
 * Matching entries after `cursor`. When the page is not full, every matching entry of this
 * snapshot was read, so the cursor moves to the log's head: entries that did not match are not
 * scanned again.
 */
async function after(tx: Transaction, filter: Filter, cursor: number): Promise<Page> {
  const rows = await tx.audit.query({ ...filter, afterId: cursor, limit: FOLLOW_PAGE });
  const last = rows.at(-1)?.id ?? cursor;
  if (rows.length === FOLLOW_PAGE) return { rows, cursor: last, more: true };
  return { rows, cursor: Math.max(last, await head(tx)), more: false };
}

/** The newest entry's id, 0 when the log is empty. */
async function head(tx: Transaction): Promise<number> {
  return (await tx.audit.query({ latest: true, limit: 1 }))[0]?.id ?? 0;
}
