/**
 * @module migrate-database
 * Applying schema migrations as an explicit step: production (PostgreSQL) instances refuse a
 * schema that is behind instead of changing it under each other.
 */
import { type MigrationReport, migrateStorage } from '@iron/secrets-storage';
import { IronSecretsError } from './errors.js';
import { translated } from './lib/translate-error.js';

export type { MigrationReport } from '@iron/secrets-storage';

/**
 * Applies every pending migration to the database at `location` (a `postgres://` URL or a SQLite
 * path) and reports what it applied. Needs no master key: it changes the schema, never a row.
 * Running it twice, or from two machines at once, is safe.
 *
 * @example
 * ```ts
 * const { applied, version } = await migrateDatabase(process.env.IRON_SECRETS_DB!);
 * ```
 */
export function migrateDatabase(location: string): Promise<MigrationReport> {
  if (typeof location !== 'string' || location.length === 0) {
    return Promise.reject(
      new IronSecretsError('INVALID_ARGUMENT', 'migrateDatabase needs a postgres:// URL or a file path'),
    );
  }
  return translated(() => migrateStorage(location));
}
