/**
 * @module load-postgres-adapter
 * The PostgreSQL adapter, loaded on first use: `pg` and the adapter take longer to load than the
 * rest of the package, and an embedded (SQLite) installation never needs them. So the package's
 * entry point and {@link openStorage} reach the adapter through this module, which imports it
 * only when a PostgreSQL database is opened.
 */
import type { Storage } from '../storage.js';
import type { PostgresStorageOptions } from './open-postgres-storage.js';

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
  const adapter = await import('./open-postgres-storage.js');
  return adapter.openPostgresStorage(location, options);
}
