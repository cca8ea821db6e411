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
import { asStorageError, connectionLost, connectTimedOut, retryable } from './connection-errors.js';
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
  /**
   * Milliseconds to wait for a connection to the database (or for a free one in the pool) before
   * failing with STORAGE_UNAVAILABLE; default 5 s.
   */
  readonly connectTimeoutMs?: number;
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
/** Default of {@link PostgresStorageOptions.connectTimeoutMs}. */
const CONNECT_TIMEOUT_MS = 5_000;
/** After a connect timeout, how long further transactions fail at once instead of waiting too. */
const UNREACHABLE_HOLD_MS = 1_000;
/** How long to keep asking whether a transaction whose answer to COMMIT was lost committed. */
const OUTCOME_WAIT_MS = 5_000;
/** TCP keep-alive, so that a connection to a vanished host (a failover) is found dead. */
const KEEP_ALIVE_DELAY_MS = 10_000;

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
    connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEP_ALIVE_DELAY_MS,
    types: { getTypeParser },
  };
  const pool = new pg.Pool({ ...connection, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
  // An idle pooled connection that dies (a database restart) is dropped from the pool, not fatal.
  pool.on('error', () => {});
  // And every client keeps a listener of its own for as long as it lives. The pool takes its idle
  // listener off a client as it hands it out, before the borrower can add one: a new connection's
  // readiness and its backend's termination (57P01) can arrive in one read, and the 'error' event
  // emitted in between, to no listener, would end the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    const client = await pool.connect();
    // Checked out, the client has no listener of the pool's: a connection dying now must not
    // end the process (the statement in flight fails instead).
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost ??= error;
    };
    client.on('error', onError);
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
      client.off('error', onError);
      client.release(lost);
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
  /** Set after a connect timeout: until when to fail at once, and with what message. */
  #unreachable: { until: number; message: string } | undefined;

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
      const client = await this.#connect(attempt);
      if (client === undefined) {
        await pause(attempt);
        continue;
      }
      // A checked-out client has no 'error' listener of the pool's. Without this one, a connection
      // that dies under it (a terminated backend, a restart, a failover) emits 'error' to nobody,
      // and Node ends the process: every instance would go down with the database.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost ??= error;
      };
      client.on('error', onError);
      let open = true;
      let xid: number | undefined;
      let pid: number | undefined;
      let sentCommit = false;
      let result: T | undefined;
      try {
        await client.query(readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
        if (!readOnly) {
          // The transaction's id and its backend's come with the lock, in the same round trip:
          // should the answer to COMMIT be lost, they are how we learn whether it committed.
          const { rows } = await client.query<{ xid: number; pid: number }>(
            'SELECT pg_advisory_xact_lock($1, $2), txid_current() AS xid, pg_backend_pid() AS pid',
            [WRITE_LOCK_CLASS, this.#lock],
          );
          xid = rows[0]!.xid;
          pid = rows[0]!.pid;
        }
        const tx = postgresTransaction(client, () => {
          if (!open) throw new StorageError('STORAGE_FAILED', 'this transaction has already ended');
        });
        result = await work(tx);
        sentCommit = true;
        await client.query('COMMIT');
        return result;
      } catch (error) {
        open = false;
        if (!sentCommit || !connectionLost(error)) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            lost ??= rollbackError;
          });
          // Safe to run again: the database aborted the attempt, and COMMIT was never sent.
          if (!sentCommit && retryable(error) && attempt < ATTEMPTS) {
            await pause(attempt);
            continue;
          }
          throw asStorageError(error);
        }
        // COMMIT was sent and its answer lost with the connection. A read-only transaction wrote
        // nothing, and what it read is a consistent snapshot: its result stands.
        lost ??= error as Error;
        if (readOnly) return result as T;
        const outcome = await this.#outcome(xid!, pid!);
        if (outcome === 'committed') return result as T;
        if (outcome === 'aborted' && attempt < ATTEMPTS) {
          await pause(attempt);
          continue;
        }
        throw new StorageError(
          'STORAGE_UNAVAILABLE',
          outcome === 'aborted'
            ? `the connection to the database was lost while committing; nothing was saved (${lost.message})`
            : `the connection to the database was lost while committing, and the database cannot be asked whether the change was saved; check before running it again (${lost.message})`,
          { cause: error },
        );
      } finally {
        open = false;
        client.off('error', onError);
        // A client whose connection failed is destroyed, not handed to the next transaction.
        client.release(lost);
      }
    }
  }

  /**
   * A pooled client, or undefined when this attempt should be made again after a pause: a refused
   * or reset connection (a restart, a failover promoting a standby) may succeed within moments. A
   * connect timeout has already waited as long as a caller should, so it fails at once, and for a
   * moment after it the others queued behind it fail at once too instead of each waiting as long.
   */
  async #connect(attempt: number): Promise<pg.PoolClient | undefined> {
    const unreachable = this.#unreachable;
    if (unreachable !== undefined && Date.now() < unreachable.until) {
      throw new StorageError('STORAGE_UNAVAILABLE', unreachable.message);
    }
    try {
      return await this.#pool.connect();
    } catch (error) {
      const timedOut = connectTimedOut(error);
      if (!timedOut && attempt < ATTEMPTS) return undefined;
      const message = `cannot reach ${this.location}: ${reason(error)}`;
      if (timedOut) this.#unreachable = { until: Date.now() + UNREACHABLE_HOLD_MS, message };
      throw new StorageError('STORAGE_UNAVAILABLE', message, { cause: error });
    }
  }

  /**
   * Whether the write transaction `xid`, whose answer to COMMIT was lost, committed. Asked of the
   * database on another connection; while the old backend (`pid`) still runs it (its end of the
   * connection may not know yet that ours is gone), it is ended, so that the answer is final:
   * committed, or aborted and safe to run again. Never a guess: 'unknown' when it cannot be told.
   */
  async #outcome(xid: number, pid: number): Promise<'committed' | 'aborted' | 'unknown'> {
    const deadline = Date.now() + OUTCOME_WAIT_MS;
    for (let round = 1; ; round++) {
      try {
        const { rows } = await this.#pool.query<{ status: string | null }>(
          'SELECT txid_status($1) AS status',
          [xid],
        );
        const status = rows[0]?.status;
        if (status === 'committed' || status === 'aborted') return status;
        if (status !== 'in progress') return 'unknown'; // too old to be told (wraparound)
        await this.#pool.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE pid = $1 AND backend_xid::text::bigint = $2::bigint % 4294967296`,
          [pid, xid],
        );
      } catch {
        // The database is away again: ask again until the deadline.
      }
      if (Date.now() >= deadline) return 'unknown';
      await pause(round);
    }
  }

  async appliedMigrations(): Promise<MigrationStatus[]> {
    try {
      const { rows } = await this.#pool.query<MigrationStatus>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      );
      return rows;
    } catch (error) {
      throw asStorageError(error);
    }
  }

  watchChanges(listener: ChangeListener): Promise<ChangeSubscription> {
    if (this.#closed)
      return Promise.reject(new StorageError('STORAGE_UNAVAILABLE', 'the database is closed'));
    return this.#changes.add(listener).catch((error: unknown) => {
      throw asStorageError(error);
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

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt + Math.random() * 25));
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
