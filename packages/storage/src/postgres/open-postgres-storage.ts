/**
 * @module open-postgres-storage
 * The production store: a PostgreSQL database shared by any number of API instances.
 *
 * Writing transactions are serialised twice: in this process by a FIFO mutex (so waiting writers
 * do not each hold a pooled connection), and across instances by a transaction-scoped advisory
 * lock taken first thing in the transaction. The audit chain needs that: appending reads the
 * chain head and links to it, so two writers must never read the same head. With every writer
 * serialised, ids and change sequence numbers are also handed out in commit order, which is what
 * lets a reader page through them without missing one committed late. Read-only transactions take
 * no lock and run alongside, on REPEATABLE READ snapshots.
 */
import pg from 'pg';
import { ChangeListeners } from '../lib/change-listeners.js';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../lib/limits.js';
import { Mutex } from '../lib/mutex.js';
import { POSTGRES_MIGRATIONS } from '../migrations/postgres.js';
import type {
  ChangeListener,
  ChangeSubscription,
  MigrationStatus,
  Storage,
  Transaction,
  TransactionOptions,
} from '../storage.js';
import { StorageError } from '../storage-error.js';
import { parsePostgresUrl, printableUrl } from './connection-url.js';
import { listenChanges } from './listen-changes.js';
import { migratePostgres } from './migrate-postgres.js';
import { postgresTransaction } from './postgres-transaction.js';

/** Options of {@link openPostgresStorage}. */
export interface PostgresStorageOptions {
  /** Milliseconds a transaction waits for another writer's lock before failing; default 5 s. */
  readonly busyTimeoutMs?: number;
  /** Milliseconds any one statement may run; default 30 s. */
  readonly statementTimeoutMs?: number;
  /** Connections in the pool; default 10. */
  readonly poolSize?: number;
  /**
   * Apply pending migrations on open; default false: with several instances, schema changes are
   * an explicit step (`iron-secrets migrate`), and a schema that is behind is refused.
   */
  readonly migrate?: boolean;
}

/** First half of the advisory-lock key writers take (the second is the schema's hash). */
const WRITE_LOCK_CLASS = 0x1e0_5ec0;
/** Attempts of a transaction the database aborted before it could commit. */
const ATTEMPTS = 4;

/**
 * Opens a PostgreSQL database by URL. The schema is the connection's `search_path` (set it with
 * `?options=-c%20search_path%3Dname`), so one database can hold several installations.
 *
 * @example
 * ```ts
 * const storage = await openPostgresStorage('postgres://iron@db.internal:5432/iron', { migrate: true });
 * ```
 */
export async function openPostgresStorage(
  location: string,
  options: PostgresStorageOptions = {},
): Promise<Storage> {
  const url = parsePostgresUrl(location);
  const printable = printableUrl(url);
  const connection: pg.ClientConfig = {
    connectionString: location,
    application_name: 'iron-secrets',
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    lock_timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    // A client that stops mid-transaction must not hold the write lock for ever.
    idle_in_transaction_session_timeout: 60_000,
    connectionTimeoutMillis: 10_000,
    types: { getTypeParser },
  };
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // An idle pooled connection that dies (a database restart) is dropped from the pool, not fatal.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      const migratedNow = await migratePostgres(
        client,
        POSTGRES_MIGRATIONS,
        Math.floor(Date.now() / 1000),
        options.migrate ?? false,
      );
      const { rows } = await client.query<{ schema: string; lock: number }>(
        'SELECT current_schema() AS schema, hashtext(current_schema()) AS lock',
      );
      const { schema, lock } = rows[0]!;
      return new PostgresStorage(pool, connection, printable, migratedNow, schema, lock);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    if (error instanceof StorageError) throw error;
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      `cannot use ${printable} as an Iron Secrets database: ${reason(error)}`,
      { cause: error },
    );
  }
}

class PostgresStorage implements Storage {
  readonly dialect = 'postgres';
  readonly location: string;
  readonly migratedNow: readonly MigrationStatus[];
  readonly #pool: pg.Pool;
  readonly #writers = new Mutex();
  readonly #lock: number;
  readonly #changes: ChangeListeners;
  #closed = false;

  constructor(
    pool: pg.Pool,
    connection: pg.ClientConfig,
    location: string,
    migratedNow: readonly MigrationStatus[],
    schema: string,
    lock: number,
  ) {
    this.#pool = pool;
    this.location = location;
    this.migratedNow = migratedNow;
    this.#lock = lock;
    this.#changes = new ChangeListeners(
      listenChanges({
        connection,
        schema,
        latest: () => this.transaction((tx) => tx.changes.latest(), { readOnly: true }),
      }),
    );
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (options.readOnly) return this.#attempt(work, true);
    return this.#writers.run(() => this.#attempt(work, false));
  }

  async #attempt<T>(work: (tx: Transaction) => Promise<T>, readOnly: boolean): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw new StorageError('STORAGE_UNAVAILABLE', 'the database is closed');
      let client: pg.PoolClient;
      try {
        client = await this.#pool.connect();
      } catch (error) {
        if (attempt < ATTEMPTS) {
          await pause(attempt);
          continue;
        }
        throw new StorageError('STORAGE_UNAVAILABLE', `cannot reach ${this.location}: ${reason(error)}`, {
          cause: error,
        });
      }
      let open = true;
      let committing = false;
      let broken: Error | undefined;
      try {
        await client.query(readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
        if (!readOnly)
          await client.query('SELECT pg_advisory_xact_lock($1, $2)', [WRITE_LOCK_CLASS, this.#lock]);
        const tx = postgresTransaction(client, () => {
          if (!open) throw new StorageError('STORAGE_FAILED', 'this transaction has already ended');
        });
        const result = await work(tx);
        committing = true;
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        // Safe to run again: the database aborted the attempt, and COMMIT was never sent.
        if (!committing && retryable(error) && attempt < ATTEMPTS) {
          await pause(attempt);
          continue;
        }
        throw asStorageError(error, committing);
      } finally {
        open = false;
        client.release(broken);
      }
    }
  }

  async appliedMigrations(): Promise<MigrationStatus[]> {
    const { rows } = await this.#pool.query<MigrationStatus>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    return rows;
  }

  watchChanges(listener: ChangeListener): Promise<ChangeSubscription> {
    if (this.#closed)
      return Promise.reject(new StorageError('STORAGE_UNAVAILABLE', 'the database is closed'));
    return this.#changes.add(listener).catch((error: unknown) => {
      throw asStorageError(error, false);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#changes.stop();
    // Let transactions already queued finish before the pool goes.
    await this.#writers.run(async () => {
      this.#closed = true;
    });
    await this.#pool.end();
  }
}

/** BIGINT (unix seconds, ids, counts) as a number: every value we store is far below 2^53. */
function getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format ?? 'text');
}

/** SQLSTATEs that mean "the database aborted this attempt; it may succeed if run again". */
const RETRYABLE_STATES = new Set(['40001', '40P01', '57P01', '08000', '08003', '08006']);

function retryable(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return RETRYABLE_STATES.has(error.code ?? '');
  return connectionLost(error);
}

/** The connection went away under the query (an instance or database restart, a network cut). */
function connectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const systemError = typeof (error as NodeJS.ErrnoException).syscall === 'string';
  return systemError || /Connection terminated|Client was closed|not queryable/i.test(error.message);
}

/**
 * Errors thrown by PostgreSQL become StorageErrors; errors thrown by the caller's own work (a
 * core error inside the transaction) pass through untouched.
 */
function asStorageError(error: unknown, committing: boolean): unknown {
  if (error instanceof pg.DatabaseError) {
    const code = error.code;
    const message =
      code === '55P03' || code === '57014'
        ? 'the database is busy (a lock or statement timed out); try again'
        : `the database refused the operation: ${error.message}`;
    return new StorageError('STORAGE_FAILED', message, { cause: error });
  }
  if (connectionLost(error)) {
    const message = (error as Error).message;
    return new StorageError(
      'STORAGE_UNAVAILABLE',
      committing
        ? `the connection to the database was lost while committing: the change may or may not have been saved (${message})`
        : `the connection to the database was lost: ${message}`,
      { cause: error },
    );
  }
  return error;
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt + Math.random() * 25));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
