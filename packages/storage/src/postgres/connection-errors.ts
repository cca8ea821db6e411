/**
 * @module connection-errors
 * Telling apart what went wrong under a PostgreSQL query: the connection died or could not be made
 * (STORAGE_UNAVAILABLE: the database is away, try again later) or the database refused a statement
 * (STORAGE_FAILED). Only the first kind says nothing about whether the database would accept the
 * operation, so only it (and the database's own "try again" answers) may be retried.
 */
import pg from 'pg';
import { StorageError } from '../storage-error.js';

/**
 * SQLSTATEs of a connection being ended by the server: 57P01 admin shutdown and
 * pg_terminate_backend, 57P02 crash shutdown, 57P03 cannot connect now (starting up, shutting down,
 * in recovery), 53300 too many connections, and class 08, connection exceptions.
 */
const CONNECTION_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** SQLSTATEs of "the database aborted this attempt; run it again": serialization failure, deadlock. */
const RETRYABLE_STATES = new Set(['40001', '40P01']);

/** The connection went away under the query, or could not be made. */
export function connectionLost(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? '';
    return CONNECTION_STATES.has(code) || code.startsWith('08');
  }
  if (!(error instanceof Error)) return false;
  // ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, ENOTFOUND...: a system call's failure.
  if (typeof (error as NodeJS.ErrnoException).syscall === 'string') return true;
  return /Connection terminated|Client was closed|not queryable|timeout exceeded when trying to connect/i.test(
    error.message,
  );
}

/** A connection attempt that gave up after the connect timeout (as opposed to one refused at once). */
export function connectTimedOut(error: unknown): boolean {
  return error instanceof Error && /timeout/i.test(error.message);
}

/** Whether an attempt that failed this way, before COMMIT was sent, may be run again. */
export function retryable(error: unknown): boolean {
  if (error instanceof pg.DatabaseError && RETRYABLE_STATES.has(error.code ?? '')) return true;
  return connectionLost(error);
}

/**
 * Errors of PostgreSQL or of the connection become StorageErrors; errors thrown by the caller's
 * own work (a core error inside the transaction) pass through untouched. Messages name the kind
 * of failure and the server's own words, never a value: statements carry values only as bound
 * parameters, which the server does not echo.
 */
export function asStorageError(error: unknown): unknown {
  if (error instanceof StorageError) return error;
  if (connectionLost(error)) {
    return new StorageError(
      'STORAGE_UNAVAILABLE',
      `the connection to the database was lost: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (error instanceof pg.DatabaseError) {
    const code = error.code;
    const message =
      code === '55P03' || code === '57014'
        ? 'the database is busy (a lock or statement timed out); try again'
        : `the database refused the operation: ${error.message}`;
    return new StorageError('STORAGE_FAILED', message, { cause: error });
  }
  return error;
}
