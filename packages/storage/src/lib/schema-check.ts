/**
 * @module schema-check
 * The one rule both adapters apply to a database's applied migrations before touching it.
 */
import { type Migration, migrationChecksum } from '../migrations/migration.js';
import { StorageError } from '../storage-error.js';

/** A row of `schema_migrations`. */
export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
}

/**
 * The migrations still to apply, after checking the applied ones. Refuses a database with a
 * migration this version does not know (written by a newer version) or whose applied SQL differs
 * from ours (edited by hand): migrating either would corrupt it.
 */
export function pendingMigrations(
  applied: readonly AppliedMigration[],
  migrations: readonly Migration[],
): Migration[] {
  const known = new Map(migrations.map((migration) => [migration.version, migration]));
  for (const row of applied) {
    const migration = known.get(Number(row.version));
    if (!migration) {
      throw new StorageError(
        'SCHEMA_TOO_NEW',
        `the database has schema migration ${row.version} (${row.name}), which this version of Iron Secrets does not know: it was written by a newer version; upgrade Iron Secrets to open it`,
      );
    }
    if (migrationChecksum(migration) !== row.checksum) {
      throw new StorageError(
        'SCHEMA_MISMATCH',
        `schema migration ${row.version} (${row.name}) in the database differs from the one this version ships: the schema was changed by hand; restore it from a backup`,
      );
    }
  }
  const done = new Set(applied.map((row) => Number(row.version)));
  return migrations.filter((migration) => !done.has(migration.version));
}

/** The refusal to open a database whose schema is behind, when migrating was not asked for. */
export function schemaOutdated(pending: readonly Migration[]): StorageError {
  const names = pending.map((migration) => migration.name).join(', ');
  return new StorageError(
    'SCHEMA_OUTDATED',
    `the database needs schema migrations ${names}: run \`iron-secrets migrate\` (with the same IRON_SECRETS_DB) before starting`,
  );
}
