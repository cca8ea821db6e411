/**
 * @module open-storage
 * Opens the store a location names: one setting moves an installation from embedded to production.
 */
import { isPostgresUrl } from './postgres/connection-url.js';
import { openPostgresStorage } from './postgres/load-postgres-adapter.js';
import { openSqliteStorage } from './sqlite/open-sqlite-storage.js';
import type { Storage } from './storage.js';
import { StorageError } from './storage-error.js';

/** Options of {@link openStorage}, for whichever database the location names. */
export interface StorageOptions {
  /** Milliseconds to wait for another writer's lock; default 5 s. */
  readonly busyTimeoutMs?: number | undefined;
  /**
   * Apply pending migrations on open. Default: true for SQLite (one file, one machine), false for
   * PostgreSQL (several instances: migrate explicitly; a schema that is behind is refused).
   */
  readonly migrate?: boolean | undefined;
  /** How often a SQLite file is polled for changes by `watchChanges`; default 250 ms. */
  readonly changePollMs?: number | undefined;
}

/**
 * Opens the database at `location`: a `postgres://` URL, a SQLite file path, or `':memory:'`.
 *
 * @example
 * ```ts
 * const embedded = await openStorage(':memory:');
 * const production = await openStorage('postgres://iron@db.internal/iron');
 * ```
 */
export async function openStorage(location: string, options: StorageOptions = {}): Promise<Storage> {
  if (typeof location !== 'string' || location.length === 0 || location.includes('\0')) {
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      'the database location must be a postgres:// URL, a file path or ":memory:"',
    );
  }
  if (isPostgresUrl(location)) {
    return openPostgresStorage(location, {
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
      ...(options.migrate === undefined ? {} : { migrate: options.migrate }),
    });
  }
  return openSqliteStorage(location, {
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    ...(options.migrate === undefined ? {} : { migrate: options.migrate }),
    ...(options.changePollMs === undefined ? {} : { changePollMs: options.changePollMs }),
  });
}

/** What {@link migrateStorage} did. */
export interface MigrationReport {
  /** Printable location (no password). */
  readonly location: string;
  /** Migrations applied by this call, oldest first. */
  readonly applied: readonly { readonly version: number; readonly name: string }[];
  /** The schema version the database is at now. */
  readonly version: number;
}

/**
 * Applies every pending migration to the database at `location` and reports what it did. Safe to
 * run from several machines at once: one migrates, the others find nothing to do.
 */
export async function migrateStorage(location: string): Promise<MigrationReport> {
  const storage = await openStorage(location, { migrate: true });
  try {
    const all = await storage.appliedMigrations();
    return {
      location: storage.location,
      applied: storage.migratedNow,
      version: all.at(-1)?.version ?? 0,
    };
  } finally {
    await storage.close();
  }
}
