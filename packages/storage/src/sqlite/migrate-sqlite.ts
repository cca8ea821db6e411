/**
 * @module migrate-sqlite
 * Brings a SQLite database up to this version's schema, or refuses to touch it.
 */
import type { Database } from 'better-sqlite3';
import { type Migration, migrationChecksum } from '../migrations/migration.js';
import type { MigrationStatus } from '../storage.js';
import { StorageError } from '../storage-error.js';

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies every pending migration in one write transaction, so two processes opening a new
 * database at once cannot both apply them, and a failure leaves the schema as it was.
 * Refuses a database with a migration this version does not know (written by a newer version)
 * or whose applied SQL differs from ours (edited by hand).
 */
export function migrateSqlite(
  db: Database,
  migrations: readonly Migration[],
  now: number,
): MigrationStatus[] {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(CREATE_MIGRATIONS_TABLE);
    const applied = db
      .prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
      .all() as AppliedRow[];
    const known = new Map(migrations.map((migration) => [migration.version, migration]));
    for (const row of applied) {
      const migration = known.get(row.version);
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
    const done = new Set(applied.map((row) => row.version));
    const record = db.prepare(
      'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
    );
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, migrationChecksum(migration), now);
    }
    db.exec('COMMIT');
    return migrations.map(({ version, name }) => ({ version, name }));
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
