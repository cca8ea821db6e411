import type { Migration } from './migration.js';

/**
 * The spec's `002_secrets.sql` (FR-4.2, FR-8.2) with the rulings applied: names unique per
 * environment (R1), Argon2id parameters per row (R5), the audit entry's environment, identity
 * and hash chain (R3), triggers that make the audit log append-only (FR-8.3), and the change
 * feed that live rotation polls.
 */
export const sqlite002Secrets: Migration = {
  version: 2,
  name: '002_secrets',
  sql: `
CREATE TABLE secrets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 256),
  encrypted_blob BLOB NOT NULL CHECK (length(encrypted_blob) >= 16),
  nonce BLOB NOT NULL CHECK (length(nonce) = 12),
  salt BLOB NOT NULL CHECK (length(salt) = 16),
  environment TEXT NOT NULL CHECK(environment IN ('development', 'staging', 'production')),
  created_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now')),
  updated_at INTEGER NOT NULL DEFAULT (strftime('%s', 'now')),
  kdf_algorithm TEXT NOT NULL DEFAULT 'argon2id' CHECK (kdf_algorithm = 'argon2id'),
  kdf_version INTEGER NOT NULL DEFAULT 19,
  kdf_memory_kib INTEGER NOT NULL DEFAULT 19456 CHECK (kdf_memory_kib > 0),
  kdf_iterations INTEGER NOT NULL DEFAULT 2 CHECK (kdf_iterations > 0),
  kdf_parallelism INTEGER NOT NULL DEFAULT 1 CHECK (kdf_parallelism > 0),
  version INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
  expires_at INTEGER,
  rotate_every_seconds INTEGER CHECK (rotate_every_seconds IS NULL OR rotate_every_seconds > 0),
  UNIQUE (environment, name)
);
CREATE INDEX idx_secrets_name ON secrets(name);
CREATE INDEX idx_secrets_environment ON secrets(environment);

CREATE TABLE secret_audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  secret_name TEXT NOT NULL,
  operation TEXT NOT NULL CHECK(operation IN ('CREATE', 'READ', 'UPDATE', 'DELETE')),
  requester_role TEXT NOT NULL CHECK(requester_role IN ('admin', 'viewer', 'agent')),
  agent_id TEXT,
  success BOOLEAN NOT NULL CHECK (success IN (0, 1)),
  error_message TEXT,
  timestamp INTEGER NOT NULL DEFAULT (strftime('%s', 'now')),
  environment TEXT CHECK (environment IS NULL OR environment IN ('development', 'staging', 'production')),
  requester_id TEXT,
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash TEXT NOT NULL CHECK (length(hash) = 64)
);
CREATE INDEX idx_audit_secret_name ON secret_audit_log(secret_name);
CREATE INDEX idx_audit_timestamp ON secret_audit_log(timestamp);

-- Retention pruning is the only way entries leave the log. A pruning transaction writes the id it
-- prunes through here, deletes, and empties it again; outside of one this table is empty.
CREATE TABLE audit_prune_gate (
  through_id INTEGER NOT NULL
);

-- After pruning, the hash of the last removed entry: the remaining chain links to it.
CREATE TABLE audit_chain_anchors (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  through_id INTEGER NOT NULL,
  hash TEXT NOT NULL CHECK (length(hash) = 64),
  pruned_count INTEGER NOT NULL,
  pruned_at INTEGER NOT NULL
);

CREATE TRIGGER secret_audit_log_no_update BEFORE UPDATE ON secret_audit_log
BEGIN
  SELECT RAISE(ABORT, 'secret_audit_log is append-only: entries cannot be changed (FR-8.3)');
END;

CREATE TRIGGER secret_audit_log_no_delete BEFORE DELETE ON secret_audit_log
WHEN NOT EXISTS (SELECT 1 FROM audit_prune_gate WHERE OLD.id <= through_id)
BEGIN
  SELECT RAISE(ABORT, 'secret_audit_log is append-only: entries leave only by retention pruning (FR-8.3)');
END;

CREATE TRIGGER audit_chain_anchors_no_update BEFORE UPDATE ON audit_chain_anchors
BEGIN
  SELECT RAISE(ABORT, 'audit_chain_anchors is append-only');
END;

CREATE TRIGGER audit_chain_anchors_no_delete BEFORE DELETE ON audit_chain_anchors
BEGIN
  SELECT RAISE(ABORT, 'audit_chain_anchors is append-only');
END;

CREATE TABLE secret_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'deleted')),
  secret_name TEXT NOT NULL,
  environment TEXT NOT NULL CHECK (environment IN ('development', 'staging', 'production')),
  changed_at INTEGER NOT NULL
);
`,
};
