/**
 * @module migrate-sqlite
 * Brings a SQLite database up to this version's schema, or refuses to touch it.
 */
import type { Database } from 'better-sqlite3';
import { type AppliedMigration, pendingMigrations, schemaOutdated } from '../lib/schema-check.js';
import { type Migration, migrationChecksum } from '../migrations/migration.js';
import type { MigrationStatus } from '../storage.js';

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

/**
 * Applies every pending migration in one write transaction, so two processes opening a new
 * database at once cannot both apply them, and a failure leaves the schema as it was. With
 * `apply` false, a database with pending migrations is refused instead (SCHEMA_OUTDATED).
 * Returns the migrations applied now.
 */
export function migrateSqlite(
  db: Database,
  migrations: readonly Migration[],
  now: number,
  apply = true,
): MigrationStatus[] {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(CREATE_MIGRATIONS_TABLE);
    const applied = db
      .prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
      .all() as AppliedMigration[];
    const pending = pendingMigrations(applied, migrations);
    if (pending.length > 0 && !apply) throw schemaOutdated(pending);
    const record = db.prepare(
      'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
    );
    for (const migration of pending) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, migrationChecksum(migration), now);
    }
    db.exec('COMMIT');
    return pending.map(({ version, name }) => ({ version, name }));
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
