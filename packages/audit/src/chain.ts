/**
 * @module chain
 * The hash chain over audit entries (RULINGS R3): each entry's `hash` covers its own fields and
 * the previous entry's `hash`, so editing, inserting or deleting any past entry breaks every link
 * after it.
 *
 * The chain is keyed (HMAC-SHA256, not a bare SHA-256): someone who can write the database file
 * but does not hold the audit-chain key cannot recompute the hashes after an edit, so a forged
 * history is detected too, not only a careless one.
 */
import { createHmac } from 'node:crypto';
import type { AuditRecord, ChainedAuditRecord } from './audit-entry.js';

/** Length of the audit-chain key in bytes (the HMAC-SHA256 block-size-friendly 256 bits). */
export const AUDIT_CHAIN_KEY_BYTES = 32;

/** Bumped if the canonical encoding ever changes, so old and new entries never collide. */
const ENCODING_VERSION = 1;

/**
 * The canonical bytes of an entry: a JSON array in a fixed field order. JSON strings are
 * unambiguous (quoted and escaped), so no two different entries encode alike.
 */
function canonical(record: AuditRecord, prevHash: string): string {
  return JSON.stringify([
    ENCODING_VERSION,
    prevHash,
    record.timestamp,
    record.operation,
    record.secretName,
    record.environment,
    record.requesterRole,
    record.agentId,
    record.requesterId,
    record.success,
    record.errorMessage,
  ]);
}

/**
 * The hash of `record` following `prevHash`, under the audit-chain key.
 *
 * @example
 * ```ts
 * const hash = hashAuditRecord(key, record, GENESIS_HASH); // 64 hex digits
 * ```
 */
export function hashAuditRecord(chainKey: Uint8Array, record: AuditRecord, prevHash: string): string {
  if (chainKey.length !== AUDIT_CHAIN_KEY_BYTES) {
    throw new RangeError(`the audit-chain key must be ${AUDIT_CHAIN_KEY_BYTES} bytes`);
  }
  return createHmac('sha256', chainKey).update(canonical(record, prevHash), 'utf8').digest('hex');
}

/**
 * Links `record` after the entry whose hash is `prevHash`.
 *
 * @example
 * ```ts
 * const first = chainAuditRecord(key, record, GENESIS_HASH);
 * const second = chainAuditRecord(key, next, first.hash);
 * ```
 */
export function chainAuditRecord(
  chainKey: Uint8Array,
  record: AuditRecord,
  prevHash: string,
): ChainedAuditRecord {
  return { ...record, prevHash, hash: hashAuditRecord(chainKey, record, prevHash) };
}
