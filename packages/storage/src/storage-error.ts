/**
 * @module storage-error
 * Errors of the storage layer. Core translates them into its own errors.
 */
import { classifyStorageFailure, type StorageFailure } from './storage-failure.js';

/** What went wrong in storage, as a stable code. */
export type StorageErrorCode =
  /** The database has migrations this version does not know: it was written by a newer version. */
  | 'SCHEMA_TOO_NEW'
  /** An applied migration differs from the one this version ships: the schema was tampered with. */
  | 'SCHEMA_MISMATCH'
  /** The database's schema is behind this version and migrating was not asked for (PostgreSQL). */
  | 'SCHEMA_OUTDATED'
  /** The database could not be opened or read as an Iron Secrets database. */
  | 'STORAGE_UNAVAILABLE'
  /** A statement failed: a constraint, a lock held too long, a full disk. */
  | 'STORAGE_FAILED';

/**
 * An error of the storage layer, with a stable `code`.
 *
 * @example
 * ```ts
 * try { await openStorage('/data/secrets.db'); } catch (error) {
 *   if (error instanceof StorageError && error.code === 'SCHEMA_TOO_NEW') { ... }
 * }
 * ```
 */
export class StorageError extends Error {
  readonly code: StorageErrorCode;
  /**
   * What kind of failure the driver's error under it was (busy, read-only, disk full, connection),
   * with the driver's code; undefined for a failure of our own making (no driver error beneath).
   */
  readonly failure: StorageFailure | undefined;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.failure = options?.cause === undefined ? undefined : classifyStorageFailure(options.cause);
  }
}
