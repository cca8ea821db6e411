/**
 * @module open-storage
 * Opens the store a location names.
 */
import { openSqliteStorage, type SqliteStorageOptions } from './sqlite/open-sqlite-storage.js';
import type { Storage } from './storage.js';
import { StorageError } from './storage-error.js';

/**
 * Opens the database at `location`: a SQLite file path or `':memory:'`. (A `postgres://` URL is
 * the production mode, which arrives with the PostgreSQL adapter.)
 *
 * @example
 * ```ts
 * const storage = await openStorage(':memory:');
 * ```
 */
export async function openStorage(location: string, options: SqliteStorageOptions = {}): Promise<Storage> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      'PostgreSQL storage is not available in this version: use a SQLite file path or ":memory:"',
    );
  }
  if (location.length === 0 || location.includes('\0')) {
    throw new StorageError('STORAGE_UNAVAILABLE', 'the database location must be a file path or ":memory:"');
  }
  return openSqliteStorage(location, options);
}
