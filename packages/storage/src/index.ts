/**
 * @module @iron/secrets-storage
 * Every line of SQL in Iron Secrets: versioned migrations and the SQLite adapter behind one
 * asynchronous interface. Storage never sees a plaintext value or a key.
 */
export { openStorage } from './open-storage.js';
export type {
  AccessTokenRow,
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
  MetaTable,
  MigrationStatus,
  SecretsTable,
  Storage,
  Transaction,
  TransactionOptions,
} from './storage.js';
export type { StorageErrorCode } from './storage-error.js';
export { StorageError } from './storage-error.js';
