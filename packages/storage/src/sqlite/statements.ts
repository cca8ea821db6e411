/**
 * @module statements
 * Every statement the SQLite adapter runs, prepared once per connection. All take bound
 * parameters: no SQL is ever built from a value (the spec's SQL-injection mitigation).
 */
import type BetterSqlite3 from 'better-sqlite3';

const SECRET_COLUMNS = `id, name, environment, encrypted_blob, nonce, salt, kdf_algorithm, kdf_version,
  kdf_memory_kib, kdf_iterations, kdf_parallelism, created_at, updated_at, version, expires_at, rotate_every_seconds`;

const AUDIT_COLUMNS = `id, secret_name, operation, requester_role, agent_id, success, error_message, timestamp,
  environment, requester_id, prev_hash, hash, secret_version, digest, disclosure`;

/** The filters of an audit query; a NULL parameter leaves its column unfiltered. */
const AUDIT_FILTER = `(@secret_name IS NULL OR secret_name = @secret_name)
         AND (@environment IS NULL OR environment = @environment)
         AND (@since IS NULL OR timestamp >= @since)
         AND (@until IS NULL OR timestamp < @until)
         AND (@operation IS NULL OR operation = @operation)
         AND (@requester_role IS NULL OR requester_role = @requester_role)
         AND (@requester IS NULL OR requester_id = @requester OR agent_id = @requester)
         AND (@success IS NULL OR success = @success)
         AND (@disclosure IS NULL OR disclosure = @disclosure)
         AND (@environments IS NULL OR environment IN (SELECT value FROM json_each(@environments)))
         AND (@name_patterns IS NULL OR (secret_name NOT GLOB '*[^A-Za-z0-9_]*'
           AND EXISTS (SELECT 1 FROM json_each(@name_patterns) AS p WHERE secret_name GLOB p.value)))
         AND id > @after_id
         AND id < @before_id`;

const TOKEN_COLUMNS = `id, token_hash, role, agent_id, environments, secret_patterns, created_at, created_by,
  expires_at, revoked_at, mac`;

const SQL = {
  insertSecret: `INSERT INTO secrets (${SECRET_COLUMNS}) VALUES (@id, @name, @environment, @encrypted_blob, @nonce, @salt,
        @kdf_algorithm, @kdf_version, @kdf_memory_kib, @kdf_iterations, @kdf_parallelism, @created_at, @updated_at,
        @version, @expires_at, @rotate_every_seconds)
       ON CONFLICT (environment, name) DO NOTHING`,
  findSecret: `SELECT ${SECRET_COLUMNS} FROM secrets WHERE environment = ? AND name = ?`,
  findSecretsByName: `SELECT ${SECRET_COLUMNS} FROM secrets WHERE name = ? ORDER BY environment`,
  listSecrets: `SELECT ${SECRET_COLUMNS} FROM secrets WHERE environment = ? ORDER BY name`,
  listAllSecrets: `SELECT ${SECRET_COLUMNS} FROM secrets ORDER BY environment, name`,
  updateSecret: `UPDATE secrets SET encrypted_blob = @encrypted_blob, nonce = @nonce, salt = @salt,
         kdf_algorithm = @kdf_algorithm, kdf_version = @kdf_version, kdf_memory_kib = @kdf_memory_kib,
         kdf_iterations = @kdf_iterations, kdf_parallelism = @kdf_parallelism, updated_at = @updated_at,
         expires_at = CASE WHEN @set_expires_at THEN @expires_at ELSE expires_at END,
         rotate_every_seconds = CASE WHEN @set_rotate_every THEN @rotate_every_seconds ELSE rotate_every_seconds END,
         version = version + 1
       WHERE id = @id AND version = @expected_version`,
  deleteSecret: 'DELETE FROM secrets WHERE id = ?',
  countSecrets: 'SELECT count(*) AS n FROM secrets',

  lastAuditHash: 'SELECT hash FROM secret_audit_log ORDER BY id DESC LIMIT 1',
  latestAnchor: 'SELECT through_id, hash FROM audit_chain_anchors ORDER BY id DESC LIMIT 1',
  appendAudit: `INSERT INTO secret_audit_log (secret_name, operation, requester_role, agent_id, success, error_message,
         timestamp, environment, requester_id, prev_hash, hash, secret_version, digest, disclosure)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  queryAudit: `SELECT ${AUDIT_COLUMNS} FROM secret_audit_log WHERE ${AUDIT_FILTER} ORDER BY id LIMIT @limit`,
  // The same filters, newest first: the caller reverses the page.
  queryLatestAudit: `SELECT ${AUDIT_COLUMNS} FROM secret_audit_log WHERE ${AUDIT_FILTER} ORDER BY id DESC LIMIT @limit`,
  countAudit: 'SELECT count(*) AS n FROM secret_audit_log',
  // The last entry of the longest prefix of the log that is entirely older than the cutoff: an
  // entry written under a clock that ran behind is kept rather than pruned out of order.
  lastPrunable: `SELECT ${AUDIT_COLUMNS} FROM secret_audit_log
       WHERE id < coalesce((SELECT min(id) FROM secret_audit_log WHERE timestamp >= ?), 9223372036854775807)
       ORDER BY id DESC LIMIT 1`,
  openPruneGate: 'INSERT INTO audit_prune_gate (through_id) VALUES (?)',
  closePruneGate: 'DELETE FROM audit_prune_gate',
  pruneAudit: 'DELETE FROM secret_audit_log WHERE id <= ?',
  recordAnchor:
    'INSERT INTO audit_chain_anchors (through_id, hash, pruned_count, pruned_at) VALUES (?, ?, ?, ?)',
  pruneChanges:
    'DELETE FROM secret_changes WHERE changed_at < ? AND seq < (SELECT max(seq) FROM secret_changes)',

  getMeta: 'SELECT value FROM iron_meta WHERE key = ?',
  metaEntries: 'SELECT key, value FROM iron_meta ORDER BY key',
  insertMeta: 'INSERT INTO iron_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING',
  upsertMeta:
    'INSERT INTO iron_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',

  recordChange: 'INSERT INTO secret_changes (kind, secret_name, environment, changed_at) VALUES (?, ?, ?, ?)',
  changesSince:
    'SELECT seq, kind, secret_name, environment, changed_at FROM secret_changes WHERE seq > ? ORDER BY seq LIMIT ?',
  latestChange: `SELECT coalesce(max(seq), 0) AS seq FROM secret_changes`,

  insertToken: `INSERT INTO access_tokens (${TOKEN_COLUMNS}) VALUES (@id, @token_hash, @role, @agent_id, @environments,
        @secret_patterns, @created_at, @created_by, @expires_at, @revoked_at, @mac)`,
  findToken: `SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE id = ?`,
  listTokens: `SELECT ${TOKEN_COLUMNS} FROM access_tokens ORDER BY created_at, rowid`,
  revokeToken: 'UPDATE access_tokens SET revoked_at = ?, mac = ? WHERE id = ? AND revoked_at IS NULL',
  setTokenMac: 'UPDATE access_tokens SET mac = ? WHERE id = ?',

  allAnchors: 'SELECT through_id, hash, pruned_count, pruned_at FROM audit_chain_anchors ORDER BY id',
  restoreAudit: `INSERT INTO secret_audit_log (id, secret_name, operation, requester_role, agent_id, success,
         error_message, timestamp, environment, requester_id, prev_hash, hash, secret_version, digest, disclosure)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  restoreAnchor:
    'INSERT INTO audit_chain_anchors (through_id, hash, pruned_count, pruned_at) VALUES (?, ?, ?, ?)',
  restoreChange:
    'INSERT INTO secret_changes (seq, kind, secret_name, environment, changed_at) VALUES (?, ?, ?, ?, ?)',
} as const;

/** Every statement, prepared. */
export type Statements = { readonly [name in keyof typeof SQL]: BetterSqlite3.Statement };

/** Prepares every statement once, when the database is opened. */
export function prepareStatements(db: BetterSqlite3.Database): Statements {
  const entries = Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]);
  return Object.fromEntries(entries) as Statements;
}
