/**
 * @module @iron/secrets-storage
 * Every line of SQL in Iron Secrets: versioned migrations and the SQLite and PostgreSQL adapters
 * behind one asynchronous interface. Storage never sees a plaintext value or a key.
 */
export { type CopyReport, copyStorage } from './copy-storage.js';
export { type MigrationReport, migrateStorage, openStorage, type StorageOptions } from './open-storage.js';
export { isPostgresUrl, printableLocation } from './postgres/connection-url.js';
export { openPostgresStorage } from './postgres/load-postgres-adapter.js';
export type { PostgresStorageOptions } from './postgres/open-postgres-storage.js';
export type {
  AccessTokenRow,
  AnchorRecord,
  AuditAnchorRow,
  AuditQuery,
  AuditRow,
  SecretChange,
  SecretRow,
  SecretUpdate,
  StoredAuditRow,
  StoredKdfParams,
} from './rows.js';
export type { SqliteStorageOptions } from './sqlite/open-sqlite-storage.js';
export { DEFAULT_BUSY_TIMEOUT_MS, openSqliteStorage } from './sqlite/open-sqlite-storage.js';
export type {
  AccessTokensTable,
  AuditTable,
  ChangeFeed,
  ChangeListener,
  ChangeSubscription,
  MetaTable,
  MigrationStatus,
  RestoreTables,
  SecretsTable,
  Storage,
  Transaction,
  TransactionOptions,
} from './storage.js';
export type { StorageErrorCode } from './storage-error.js';
export { StorageError } from './storage-error.js';
export {
  classifyStorageFailure,
  type StorageFailure,
  type StorageFailureKind,
} from './storage-failure.js';
