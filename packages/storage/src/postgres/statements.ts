/**
 * @module statements
 * Every statement the PostgreSQL adapter runs. Each has a name, so a connection parses and plans
 * it once and then only binds parameters; no SQL is ever built from a value.
 */
import type { QueryConfig } from 'pg';

const SECRET_COLUMNS = `id, name, environment, encrypted_blob, nonce, salt, kdf_algorithm, kdf_version,
  kdf_memory_kib, kdf_iterations, kdf_parallelism, created_at, updated_at, version, expires_at, rotate_every_seconds`;

const AUDIT_COLUMNS = `id, secret_name, operation, requester_role, agent_id, success, error_message, timestamp,
  environment, requester_id, prev_hash, hash, secret_version, digest, disclosure`;

/** The filters of an audit query; a NULL parameter leaves its column unfiltered. */
const AUDIT_FILTER = `($1::text IS NULL OR secret_name = $1)
         AND ($2::text IS NULL OR environment = $2)
         AND ($3::bigint IS NULL OR timestamp >= $3)
         AND ($4::bigint IS NULL OR timestamp < $4)
         AND ($7::text IS NULL OR operation = $7)
         AND ($8::text IS NULL OR requester_role = $8)
         AND ($9::text IS NULL OR requester_id = $9 OR agent_id = $9)
         AND ($10::boolean IS NULL OR success = $10)
         AND ($11::text IS NULL OR disclosure = $11)
         AND ($13::text[] IS NULL OR environment = ANY($13::text[]))
         AND ($14::text[] IS NULL OR (secret_name !~ '[^A-Za-z0-9_]' AND secret_name LIKE ANY($14::text[])))
         AND id > $5
         AND id < $12`;

const TOKEN_COLUMNS = `id, token_hash, role, agent_id, environments, secret_patterns, created_at, created_by,
  expires_at, revoked_at, mac`;

/** The channel change notifications travel on; the payload is `schema:seq`, never a name or value. */
export const CHANGES_CHANNEL = 'iron_secrets_changes';

export const SQL = {
  insertSecret: `INSERT INTO secrets (${SECRET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
        $13, $14, $15, $16)
       ON CONFLICT (environment, name) DO NOTHING`,
  findSecret: `SELECT ${SECRET_COLUMNS} FROM secrets WHERE environment = $1 AND name = $2`,
  findSecretsByName: `SELECT ${SECRET_COLUMNS} FROM secrets WHERE name = $1 ORDER BY environment`,
  listSecrets: `SELECT ${SECRET_COLUMNS} FROM secrets WHERE environment = $1 ORDER BY name`,
  listAllSecrets: `SELECT ${SECRET_COLUMNS} FROM secrets ORDER BY environment, name`,
  updateSecret: `UPDATE secrets SET encrypted_blob = $3, nonce = $4, salt = $5, kdf_algorithm = $6, kdf_version = $7,
         kdf_memory_kib = $8, kdf_iterations = $9, kdf_parallelism = $10, updated_at = $11,
         expires_at = CASE WHEN $12::boolean THEN $13::bigint ELSE expires_at END,
         rotate_every_seconds = CASE WHEN $14::boolean THEN $15::bigint ELSE rotate_every_seconds END,
         version = version + 1
       WHERE id = $1 AND version = $2`,
  deleteSecret: 'DELETE FROM secrets WHERE id = $1',
  countSecrets: 'SELECT count(*) AS n FROM secrets',

  lastAuditHash: 'SELECT hash FROM secret_audit_log ORDER BY id DESC LIMIT 1',
  latestAnchor: 'SELECT through_id, hash FROM audit_chain_anchors ORDER BY id DESC LIMIT 1',
  // A whole batch in one statement, whatever its size: one array per column.
  appendAudit: `INSERT INTO secret_audit_log (secret_name, operation, requester_role, agent_id, success,
         error_message, timestamp, environment, requester_id, prev_hash, hash, secret_version, digest, disclosure)
       SELECT secret_name, operation, requester_role, agent_id, success, error_message, timestamp, environment,
         requester_id, prev_hash, hash, secret_version, digest, disclosure
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[],
         $7::bigint[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::text[], $14::text[])
         WITH ORDINALITY AS batch
         (secret_name, operation, requester_role, agent_id, success, error_message, timestamp, environment,
          requester_id, prev_hash, hash, secret_version, digest, disclosure, position)
       ORDER BY position
       RETURNING id`,
  queryAudit: `SELECT ${AUDIT_COLUMNS} FROM secret_audit_log WHERE ${AUDIT_FILTER} ORDER BY id LIMIT $6`,
  // The same filters, newest first: the caller reverses the page.
  queryLatestAudit: `SELECT ${AUDIT_COLUMNS} FROM secret_audit_log WHERE ${AUDIT_FILTER} ORDER BY id DESC LIMIT $6`,
  countAudit: 'SELECT count(*) AS n FROM secret_audit_log',
  // The last entry of the longest prefix of the log that is entirely older than the cutoff.
  lastPrunable: `SELECT ${AUDIT_COLUMNS} FROM secret_audit_log
       WHERE id < coalesce((SELECT min(id) FROM secret_audit_log WHERE timestamp >= $1), 9223372036854775807)
       ORDER BY id DESC LIMIT 1`,
  openPruneGate: 'INSERT INTO audit_prune_gate (through_id) VALUES ($1)',
  closePruneGate: 'DELETE FROM audit_prune_gate',
  pruneAudit: 'DELETE FROM secret_audit_log WHERE id <= $1',
  recordAnchor:
    'INSERT INTO audit_chain_anchors (through_id, hash, pruned_count, pruned_at) VALUES ($1, $2, $3, $4)',
  pruneChanges:
    'DELETE FROM secret_changes WHERE changed_at < $1 AND seq < (SELECT max(seq) FROM secret_changes)',

  getMeta: 'SELECT value FROM iron_meta WHERE key = $1',
  metaEntries: 'SELECT key, value FROM iron_meta ORDER BY key',
  insertMeta: 'INSERT INTO iron_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
  upsertMeta:
    'INSERT INTO iron_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',

  recordChange: `INSERT INTO secret_changes (kind, secret_name, environment, changed_at) VALUES ($1, $2, $3, $4)
       RETURNING seq`,
  // Delivered when the transaction commits, and never if it rolls back.
  notifyChange: `SELECT pg_notify('${CHANGES_CHANNEL}', current_schema() || ':' || $1::text)`,
  changesSince: `SELECT seq, kind, secret_name, environment, changed_at FROM secret_changes WHERE seq > $1
       ORDER BY seq LIMIT $2`,
  latestChange: 'SELECT coalesce(max(seq), 0) AS seq FROM secret_changes',

  insertToken: `INSERT INTO access_tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
  findToken: `SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE id = $1`,
  listTokens: `SELECT ${TOKEN_COLUMNS} FROM access_tokens ORDER BY created_at, id`,
  revokeToken: 'UPDATE access_tokens SET revoked_at = $1, mac = $2 WHERE id = $3 AND revoked_at IS NULL',
  setTokenMac: 'UPDATE access_tokens SET mac = $1 WHERE id = $2',

  allAnchors: 'SELECT through_id, hash, pruned_count, pruned_at FROM audit_chain_anchors ORDER BY id',
  restoreAudit: `INSERT INTO secret_audit_log (id, secret_name, operation, requester_role, agent_id, success,
         error_message, timestamp, environment, requester_id, prev_hash, hash, secret_version, digest, disclosure)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[],
         $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[], $14::text[],
         $15::text[])`,
  restoreAnchor:
    'INSERT INTO audit_chain_anchors (through_id, hash, pruned_count, pruned_at) VALUES ($1, $2, $3, $4)',
  restoreChange:
    'INSERT INTO secret_changes (seq, kind, secret_name, environment, changed_at) VALUES ($1, $2, $3, $4, $5)',
  // Identity columns do not notice explicit ids: move each past the highest loaded one.
  resyncSequences: `SELECT
       setval(pg_get_serial_sequence('secret_audit_log', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM secret_audit_log), false),
       setval(pg_get_serial_sequence('audit_chain_anchors', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM audit_chain_anchors), false),
       setval(pg_get_serial_sequence('secret_changes', 'seq'), (SELECT coalesce(max(seq), 0) + 1 FROM secret_changes), false)`,
} as const;

/** A named statement with its parameters. */
export function statement(name: keyof typeof SQL, values: readonly unknown[] = []): QueryConfig {
  return { name: `iron_${name}`, text: SQL[name], values: values as unknown[] };
}
