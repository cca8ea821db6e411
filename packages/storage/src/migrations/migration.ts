/**
 * @module migration
 * A versioned schema change. Each dialect keeps its own SQL side by side under one version
 * number, so SQLite and PostgreSQL databases at version N have the same tables.
 */
import { createHash } from 'node:crypto';

/** One step of the schema. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** A digest of a migration's SQL: an applied migration whose SQL changed is refused. */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql, 'utf8').digest('hex');
}
