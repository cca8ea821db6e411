/**
 * @module migrate-postgres
 * Brings a PostgreSQL schema up to this version's, or refuses to touch it. Several instances may
 * start at once: a transaction-scoped advisory lock lets one migrate while the others wait and
 * then find nothing to do.
 */
import type { PoolClient } from 'pg';
import { type AppliedMigration, pendingMigrations, schemaOutdated } from '../lib/schema-check.js';
import { type Migration, migrationChecksum } from '../migrations/migration.js';
import type { MigrationStatus } from '../storage.js';

/** First half of the advisory-lock key migrations take (the second is the schema's hash). */
export const MIGRATION_LOCK_CLASS = 0x1e0_5ec1;

/**
 * Checks the applied migrations and, with `apply`, applies the pending ones in one transaction;
 * without it, a schema that is behind is refused (SCHEMA_OUTDATED) and nothing is written.
 * Returns the migrations applied now.
 */
export async function migratePostgres(
  client: PoolClient,
  migrations: readonly Migration[],
  now: number,
  apply: boolean,
): Promise<MigrationStatus[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [
      MIGRATION_LOCK_CLASS,
    ]);
    const exists = await client.query<{ found: string | null }>(
      "SELECT to_regclass('schema_migrations')::text AS found",
    );
    const applied =
      exists.rows[0]?.found == null
        ? []
        : (
            await client.query<AppliedMigration>(
              'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
            )
          ).rows;
    const pending = pendingMigrations(applied, migrations);
    if (pending.length > 0 && !apply) throw schemaOutdated(pending);
    if (pending.length > 0) {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        checksum TEXT NOT NULL,
        applied_at BIGINT NOT NULL
      )`);
    }
    for (const migration of pending) {
      await client.query(migration.sql);
      await client.query(
        'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)',
        [migration.version, migration.name, migrationChecksum(migration), now],
      );
    }
    await client.query('COMMIT');
    return pending.map(({ version, name }) => ({ version, name }));
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
