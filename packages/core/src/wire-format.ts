/**
 * @module wire-format
 * The JSON shapes that leave Iron Secrets (`--json` of the CLI, bodies of the HTTP API): one
 * definition, snake_case, times as ISO 8601 UTC to the second, so that a script written against
 * one reads the other.
 */
import type { AuditEntry } from './operations/audit-log.js';
import type { SecretNameListing } from './operations/list-secret-names.js';
import type { SecretMetadata } from './secret-metadata.js';

/** A time as ISO 8601 UTC to the second (`2026-11-23T19:43:49Z`), or null. */
export function isoSeconds(date: Date | null): string | null {
  return date === null ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A listed secret as JSON. It carries `value` only when the library handed the value out (an
 * agent, or an admin who asked to reveal).
 *
 * @example
 * ```ts
 * JSON.stringify((await manager.listSecrets('viewer', 'production')).map(secretJson));
 * ```
 */
export function secretJson(secret: SecretMetadata) {
  const { name, environment, ...times } = secretNameJson(secret);
  return {
    name,
    environment,
    value_masked: secret.valueMasked,
    ...(secret.value === undefined ? {} : { value: secret.value }),
    ...times,
  };
}

/**
 * A secret of a names-only listing as JSON: the fields of {@link secretJson} without any value,
 * not even `value_masked`.
 *
 * @example
 * ```ts
 * JSON.stringify((await manager.listSecretNames('agent', 'production')).map(secretNameJson));
 * ```
 */
export function secretNameJson(secret: SecretNameListing) {
  return {
    name: secret.name,
    environment: secret.environment,
    created_at: isoSeconds(secret.createdAt)!,
    updated_at: isoSeconds(secret.updatedAt)!,
    expires_at: isoSeconds(secret.expiresAt),
    rotate_every_seconds: secret.rotateEverySeconds,
    rotation_due_at: isoSeconds(secret.rotationDueAt),
    rotation_status: secret.rotationStatus,
  };
}

/**
 * An audit entry as JSON. Entries never hold a value.
 *
 * @example
 * ```ts
 * JSON.stringify((await manager.auditLog()).map(auditEntryJson));
 * ```
 */
export function auditEntryJson(entry: AuditEntry) {
  return {
    id: entry.id,
    timestamp: isoSeconds(entry.timestamp)!,
    operation: entry.operation,
    secret_name: entry.secretName,
    environment: entry.environment,
    requester_role: entry.requesterRole,
    requester_id: entry.requesterId,
    agent_id: entry.agentId,
    success: entry.success,
    error_message: entry.errorMessage,
    prev_hash: entry.prevHash,
    hash: entry.hash,
    secret_version: entry.secretVersion,
    digest: entry.digest,
    disclosure: entry.disclosure,
  };
}
