/**
 * @module open-sqlite-storage
 * The embedded store: one SQLite file in WAL mode that every process on the machine shares.
 */
import { realpathSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { ChangeListeners } from '../lib/change-listeners.js';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../lib/limits.js';
import { Mutex } from '../lib/mutex.js';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite.js';
import type {
  ChangeListener,
  ChangeSubscription,
  MigrationStatus,
  Storage,
  Transaction,
  TransactionOptions,
} from '../storage.js';
import { StorageError } from '../storage-error.js';
import { prepareDatabaseFile } from './database-file.js';
import { migrateSqlite } from './migrate-sqlite.js';
import { DEFAULT_CHANGE_POLL_MS, pollChanges } from './poll-changes.js';
import { sqliteTransaction } from './sqlite-transaction.js';
import { prepareStatements, type Statements } from './statements.js';

export { DEFAULT_BUSY_TIMEOUT_MS } from '../lib/limits.js';

/** Options of {@link openSqliteStorage}. */
export interface SqliteStorageOptions {
  /** Milliseconds to wait for another process's write lock; default 5 s. */
  readonly busyTimeoutMs?: number;
  /**
   * Apply pending migrations on open; default true (one file on one machine). False refuses a
   * database whose schema is behind (SCHEMA_OUTDATED).
   */
  readonly migrate?: boolean;
  /** How often {@link Storage.watchChanges} polls the file; default 250 ms. */
  readonly changePollMs?: number;
}

/**
 * Opens (creating if needed) a SQLite database and brings its schema up to date.
 * `':memory:'` gives a private in-memory database. A new file is created with mode 0600; an
 * existing one that group or others can read or write, or a symbolic link to nothing, is refused
 * with STORAGE_UNAVAILABLE (see database-file.ts for the rules and why).
 *
 * Pragmas, and why: WAL lets readers in other processes (CLI, API, injector) read while one
 * writes; `synchronous = FULL` makes every acknowledged write survive a power cut, not only a
 * crash (a rotated key that comes back as the old one after a reboot is a bug here);
 * `secure_delete` overwrites deleted rows instead of leaving old ciphertexts in free pages;
 * `busy_timeout` waits for another process's lock instead of failing at once.
 *
 * @example
 * ```ts
 * const storage = await openSqliteStorage('/var/lib/iron-secrets/secrets.db');
 * await storage.transaction(async (tx) => tx.secrets.count());
 * ```
 */
export async function openSqliteStorage(path: string, options: SqliteStorageOptions = {}): Promise<Storage> {
  const inMemory = path === ':memory:';
  // Created owner-only here, or checked for being private, before SQLite touches it.
  if (!inMemory) prepareDatabaseFile(path);
  let db: Database;
  try {
    db = new BetterSqlite3(path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new StorageError('STORAGE_UNAVAILABLE', `cannot open the database at ${path}: ${reason(error)}`, {
      cause: error,
    });
  }
  try {
    if (!inMemory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    db.pragma('temp_store = MEMORY');
    const migratedNow = migrateSqlite(
      db,
      SQLITE_MIGRATIONS,
      Math.floor(Date.now() / 1000),
      options.migrate ?? true,
    );
    return new SqliteStorage(
      db,
      path,
      prepareStatements(db),
      migratedNow,
      options.changePollMs ?? DEFAULT_CHANGE_POLL_MS,
      inMemory ? new Mutex() : fileWriters.open(realpathSync(path)),
    );
  } catch (error) {
    db.close();
    if (error instanceof StorageError) throw error;
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      `cannot use ${path} as an Iron Secrets database: ${reason(error)}`,
      { cause: error },
    );
  }
}

/**
 * One writers' queue per database file in this process, shared by every storage open on it.
 * A write transaction holds SQLite's write lock across awaits (the caller's work is async); another
 * connection's BEGIN IMMEDIATE in the same thread would wait in SQLite's busy handler, which
 * blocks the thread, so the holder could never finish: each collision would cost the busy
 * timeout and fail. Queued here, a second storage's writer waits without blocking; writers in
 * other processes still wait in the busy handler, which blocks only their own thread.
 */
const fileWriters = {
  queues: new Map<string, { readonly mutex: Mutex; users: number }>(),
  /** The queue of the file at `realPath`, for one more storage. */
  open(realPath: string): Mutex {
    let entry = this.queues.get(realPath);
    if (entry === undefined) {
      entry = { mutex: new Mutex(), users: 0 };
      this.queues.set(realPath, entry);
    }
    entry.users += 1;
    return entry.mutex;
  },
  /** One storage fewer on `mutex`'s file; the queue goes with the last. */
  close(mutex: Mutex): void {
    for (const [path, entry] of this.queues) {
      if (entry.mutex !== mutex) continue;
      entry.users -= 1;
      if (entry.users === 0) this.queues.delete(path);
      return;
    }
  },
};

class SqliteStorage implements Storage {
  readonly dialect = 'sqlite';
  readonly location: string;
  readonly migratedNow: readonly MigrationStatus[];
  readonly #db: Database;
  readonly #statements: Statements;
  readonly #mutex = new Mutex();
  /** The writers' queue of this file in this process (see {@link fileWriters}). */
  readonly #fileWriters: Mutex;
  readonly #changes: ChangeListeners;
  #closed = false;

  constructor(
    db: Database,
    location: string,
    statements: Statements,
    migratedNow: readonly MigrationStatus[],
    changePollMs: number,
    writers: Mutex,
  ) {
    this.#db = db;
    this.#fileWriters = writers;
    this.location = location;
    this.#statements = statements;
    this.migratedNow = migratedNow;
    this.#changes = new ChangeListeners(
      pollChanges(
        () =>
          this.transaction(
            async (tx) => ({
              change: await tx.changes.latest(),
              audit: (await tx.audit.query({ latest: true, limit: 1 }))[0]?.id ?? 0,
            }),
            { readOnly: true },
          ),
        changePollMs,
      ),
    );
  }

  watchChanges(listener: ChangeListener): Promise<ChangeSubscription> {
    if (this.#closed)
      return Promise.reject(new StorageError('STORAGE_UNAVAILABLE', 'the database is closed'));
    return this.#changes.add(listener);
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (options.readOnly) return this.#run(work, options);
    // The file's writers' queue first, then this connection: a storage waiting for the file
    // holds nothing another one needs.
    return this.#fileWriters.run(() => this.#run(work, options));
  }

  #run<T>(work: (tx: Transaction) => Promise<T>, options: TransactionOptions): Promise<T> {
    return this.#mutex.run(async () => {
      if (this.#closed) throw new StorageError('STORAGE_UNAVAILABLE', 'the database is closed');
      const db = this.#db;
      let open = true;
      const tx = sqliteTransaction(this.#statements, () => {
        if (!open) throw new StorageError('STORAGE_FAILED', 'this transaction has already ended');
      });
      try {
        if (options.readOnly) db.pragma('query_only = ON');
        db.exec(options.readOnly ? 'BEGIN' : 'BEGIN IMMEDIATE');
        const result = await work(tx);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw asStorageError(error);
      } finally {
        open = false;
        if (options.readOnly) db.pragma('query_only = OFF');
      }
    });
  }

  appliedMigrations(): Promise<MigrationStatus[]> {
    return this.#mutex.run(
      async () =>
        this.#db
          .prepare('SELECT version, name FROM schema_migrations ORDER BY version')
          .all() as MigrationStatus[],
    );
  }

  async close(): Promise<void> {
    await this.#changes.stop();
    return this.#mutex.run(async () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#db.close();
      fileWriters.close(this.#fileWriters);
    });
  }
}

/**
 * Errors thrown by SQLite become StorageErrors; errors thrown by the caller's own work (a core
 * error inside the transaction) pass through untouched.
 */
function asStorageError(error: unknown): unknown {
  if (error instanceof BetterSqlite3.SqliteError) {
    const busy = error.code === 'SQLITE_BUSY';
    return new StorageError(
      'STORAGE_FAILED',
      busy
        ? 'the database is locked by another process; try again (or raise busyTimeoutMs)'
        : `the database refused the operation: ${error.message}`,
      { cause: error },
    );
  }
  return error;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
