/**
 * @module storage-failure
 * What kind of failure a database error is, so that people are told what to do about it: wait
 * for a lock, make a file writable, free disk space, bring the server back. Read from the
 * driver's stable code (SQLite's extended result code, PostgreSQL's SQLSTATE, a system call's
 * errno), never from its message: a message is free text and may quote SQL or a value, while the
 * code is one word from a fixed list, safe for any log.
 */

/**
 * - `busy`: another process or transaction holds a lock; the same operation a moment later works.
 * - `read-only`: the database, its directory or the file system refuses writes to this user.
 * - `disk-full`: no space (or quota) is left for the database.
 * - `connection`: the connection to the database server failed or was lost.
 * - `other`: anything else the database refused.
 */
export type StorageFailureKind = 'busy' | 'read-only' | 'disk-full' | 'connection' | 'other';

/** A classified storage failure. */
export interface StorageFailure {
  readonly kind: StorageFailureKind;
  /**
   * The driver's code: `SQLITE_READONLY`, `SQLITE_FULL`, a SQLSTATE such as `25006` or `53100`, an
   * errno such as `EROFS`; `unknown` when there is none. Only ever one of those words.
   */
  readonly cause: string;
}

/** Only these shapes are ever passed on as a cause: a word of capitals, digits and `_`. */
const DRIVER_CODE = /^(?:SQLITE_[A-Z_]{1,40}|[0-9A-Z]{5}|E[A-Z0-9]{1,20})$/;

const ERRNO_KINDS: Readonly<Record<string, StorageFailureKind>> = {
  EROFS: 'read-only',
  EACCES: 'read-only',
  EPERM: 'read-only',
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  EBUSY: 'busy',
  ECONNREFUSED: 'connection',
  ECONNRESET: 'connection',
  ETIMEDOUT: 'connection',
  EPIPE: 'connection',
  ENOTFOUND: 'connection',
  EAI_AGAIN: 'connection',
  EHOSTUNREACH: 'connection',
  ENETUNREACH: 'connection',
};

/**
 * SQLSTATEs, by what they mean for the operator: 25006 read_only_sql_transaction (a hot standby,
 * `default_transaction_read_only`), 42501 insufficient_privilege, 53100 disk_full, 55P03
 * lock_not_available, 57014 query_canceled (a lock or statement timeout), 40001 and 40P01
 * (serialization failure, deadlock), 57P01-57P03 and 53300 (the server ended or refused the
 * connection); class 08 is connection exceptions.
 */
const SQLSTATE_KINDS: Readonly<Record<string, StorageFailureKind>> = {
  '25006': 'read-only',
  '42501': 'read-only',
  '53100': 'disk-full',
  '55P03': 'busy',
  '57014': 'busy',
  '40001': 'busy',
  '40P01': 'busy',
  '57P01': 'connection',
  '57P02': 'connection',
  '57P03': 'connection',
  '53300': 'connection',
};

/** Messages of `pg` itself (not the server) for a connection that ended or never came. */
const PG_CONNECTION_MESSAGE =
  /Connection terminated|Client was closed|not queryable|timeout exceeded when trying to connect/i;

/**
 * Classifies the first driver error found on `error` or its chain of causes.
 *
 * @example
 * ```ts
 * classifyStorageFailure(sqliteError); // { kind: 'disk-full', cause: 'SQLITE_FULL' }
 * ```
 */
export function classifyStorageFailure(error: unknown): StorageFailure {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && DRIVER_CODE.test(code)) {
      const kind = kindOf(code);
      if (kind !== undefined) return { kind, cause: code };
    }
    if (PG_CONNECTION_MESSAGE.test(current.message)) return { kind: 'connection', cause: 'connection-ended' };
    current = current.cause;
  }
  return { kind: 'other', cause: 'unknown' };
}

function kindOf(code: string): StorageFailureKind | undefined {
  if (code.startsWith('SQLITE_')) {
    // Extended codes name the primary one first: SQLITE_READONLY_DBMOVED, SQLITE_BUSY_SNAPSHOT.
    if (/^SQLITE_(?:BUSY|LOCKED)/.test(code)) return 'busy';
    if (/^SQLITE_(?:READONLY|PERM|AUTH)/.test(code)) return 'read-only';
    if (code === 'SQLITE_FULL') return 'disk-full';
    return 'other';
  }
  if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('E')) {
    if (code.startsWith('08')) return 'connection';
    return SQLSTATE_KINDS[code] ?? 'other';
  }
  return ERRNO_KINDS[code];
}
