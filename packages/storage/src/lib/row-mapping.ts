/**
 * @module row-mapping
 * Database rows (snake_case, Buffers) to storage rows and back: the same column names on SQLite and
 * PostgreSQL; only booleans differ (0/1 against true/false).
 */
import type {
  AccessTokenRow,
  AnchorRecord,
  AuditRow,
  SecretChange,
  SecretRow,
  StoredAuditRow,
} from '../rows.js';

/** A `secrets` row as the driver returns it. */
export interface DbSecretRow {
  id: string;
  name: string;
  environment: string;
  encrypted_blob: Buffer;
  nonce: Buffer;
  salt: Buffer;
  kdf_algorithm: string;
  kdf_version: number;
  kdf_memory_kib: number;
  kdf_iterations: number;
  kdf_parallelism: number;
  created_at: number;
  updated_at: number;
  version: number;
  expires_at: number | null;
  rotate_every_seconds: number | null;
}

export function toSecretRow(row: DbSecretRow): SecretRow {
  return {
    id: row.id,
    name: row.name,
    environment: row.environment,
    encryptedBlob: row.encrypted_blob,
    nonce: row.nonce,
    salt: row.salt,
    kdf: {
      algorithm: row.kdf_algorithm,
      version: row.kdf_version,
      memoryKiB: row.kdf_memory_kib,
      iterations: row.kdf_iterations,
      parallelism: row.kdf_parallelism,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
    expiresAt: row.expires_at,
    rotateEverySeconds: row.rotate_every_seconds,
  };
}

/** Named parameters for inserting a secret row. */
export function secretParams(row: SecretRow) {
  return {
    id: row.id,
    name: row.name,
    environment: row.environment,
    encrypted_blob: row.encryptedBlob,
    nonce: row.nonce,
    salt: row.salt,
    kdf_algorithm: row.kdf.algorithm,
    kdf_version: row.kdf.version,
    kdf_memory_kib: row.kdf.memoryKiB,
    kdf_iterations: row.kdf.iterations,
    kdf_parallelism: row.kdf.parallelism,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    version: row.version,
    expires_at: row.expiresAt,
    rotate_every_seconds: row.rotateEverySeconds,
  };
}

/** A `secret_audit_log` row as the driver returns it. */
export interface DbAuditRow {
  id: number;
  secret_name: string;
  operation: AuditRow['operation'];
  requester_role: AuditRow['requesterRole'];
  agent_id: string | null;
  success: number | boolean;
  error_message: string | null;
  timestamp: number;
  environment: string | null;
  requester_id: string | null;
  prev_hash: string;
  hash: string;
  secret_version: number | string | null;
  digest: string | null;
  disclosure: AuditRow['disclosure'];
}

export function toAuditRow(row: DbAuditRow): StoredAuditRow {
  return {
    id: row.id,
    timestamp: row.timestamp,
    operation: row.operation,
    secretName: row.secret_name,
    environment: row.environment,
    requesterRole: row.requester_role,
    agentId: row.agent_id,
    requesterId: row.requester_id,
    success: row.success === 1 || row.success === true,
    errorMessage: row.error_message,
    prevHash: row.prev_hash,
    hash: row.hash,
    // PostgreSQL returns a BIGINT as a string; a version stays far below 2^53.
    secretVersion: row.secret_version === null ? null : Number(row.secret_version),
    digest: row.digest,
    disclosure: row.disclosure,
  };
}

/** Positional values for inserting an audit entry, in the column order of the statement. */
export function auditValues(entry: AuditRow) {
  return [
    entry.secretName,
    entry.operation,
    entry.requesterRole,
    entry.agentId,
    entry.success ? 1 : 0,
    entry.errorMessage,
    entry.timestamp,
    entry.environment,
    entry.requesterId,
    entry.prevHash,
    entry.hash,
    entry.secretVersion,
    entry.digest,
    entry.disclosure,
  ] as const;
}

export interface DbChangeRow {
  seq: number;
  kind: SecretChange['kind'];
  secret_name: string;
  environment: string;
  changed_at: number;
}

export function toChange(row: DbChangeRow): SecretChange {
  return {
    seq: row.seq,
    kind: row.kind,
    name: row.secret_name,
    environment: row.environment,
    changedAt: row.changed_at,
  };
}

/** An `access_tokens` row as the driver returns it; the scopes are JSON arrays. */
export interface DbTokenRow {
  id: string;
  token_hash: string;
  role: AccessTokenRow['role'];
  agent_id: string | null;
  environments: string | null;
  secret_patterns: string | null;
  created_at: number;
  created_by: string | null;
  expires_at: number | null;
  revoked_at: number | null;
  mac: string | null;
}

export function toTokenRow(row: DbTokenRow): AccessTokenRow {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    role: row.role,
    agentId: row.agent_id,
    environments: jsonList(row.environments),
    secretPatterns: jsonList(row.secret_patterns),
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    mac: row.mac,
  };
}

/** Named parameters for inserting a token row. */
export function tokenParams(row: AccessTokenRow) {
  return {
    id: row.id,
    token_hash: row.tokenHash,
    role: row.role,
    agent_id: row.agentId,
    environments: row.environments === null ? null : JSON.stringify(row.environments),
    secret_patterns: row.secretPatterns === null ? null : JSON.stringify(row.secretPatterns),
    created_at: row.createdAt,
    created_by: row.createdBy,
    expires_at: row.expiresAt,
    revoked_at: row.revokedAt,
    mac: row.mac,
  };
}

/**
 * A stored scope list. Anything but an array of strings means the row was edited by hand: it is
 * read as an empty scope (reaches nothing) rather than as "no scope" (reaches everything).
 */
function jsonList(text: string | null): readonly string[] | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
  } catch {
    // fall through: damaged
  }
  return [];
}

/** An `audit_chain_anchors` row as the driver returns it. */
export interface DbAnchorRow {
  through_id: number;
  hash: string;
  pruned_count: number;
  pruned_at: number;
}

export function toAnchorRecord(row: DbAnchorRow): AnchorRecord {
  return {
    throughId: row.through_id,
    hash: row.hash,
    prunedCount: row.pruned_count,
    prunedAt: row.pruned_at,
  };
}
