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
import { type AuditRecord, type ChainedAuditRecord, GENESIS_HASH } from './audit-entry.js';
import { digestAuditEntry } from './digest.js';

/** Length of the audit-chain key in bytes (the HMAC-SHA256 block-size-friendly 256 bits). */
export const AUDIT_CHAIN_KEY_BYTES = 32;

/**
 * The canonical bytes of an entry: a JSON array in a fixed field order. JSON strings are
 * unambiguous (quoted and escaped), so no two different entries encode alike. Version 2 adds the
 * secret's version; an entry without one (every entry before 0.3) keeps version 1, so old
 * entries verify unchanged, and the version number inside the array keeps the two apart.
 * Version 3 adds what a READ handed out (`disclosure`, 0.3.1): a READ's entry without it is a
 * version 1 or 2 entry, so every earlier entry still verifies, and no one can turn a `value`
 * READ into a `masked` one without breaking the chain.
 */
function canonical(record: AuditRecord, prevHash: string): string {
  const fields = [
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
  ];
  if (record.disclosure !== null) {
    return JSON.stringify([3, ...fields, record.secretVersion, record.disclosure]);
  }
  return record.secretVersion === null
    ? JSON.stringify([1, ...fields])
    : JSON.stringify([2, ...fields, record.secretVersion]);
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

/** Where the next entry links to: the last entry's (or the anchor's) hash and digest. */
export interface ChainLink {
  readonly hash: string;
  readonly digest: string;
}

/** Where the first entry ever links to. */
export const GENESIS_LINK: ChainLink = Object.freeze({ hash: GENESIS_HASH, digest: GENESIS_HASH });

/**
 * Links `record` after `prev` in both chains: the keyed one (`hash`) and the public one (`digest`).
 *
 * @example
 * ```ts
 * const first = chainAuditRecord(key, record, GENESIS_LINK);
 * const second = chainAuditRecord(key, next, first);
 * ```
 */
export function chainAuditRecord(
  chainKey: Uint8Array,
  record: AuditRecord,
  prev: ChainLink,
): ChainedAuditRecord & ChainLink {
  const hash = hashAuditRecord(chainKey, record, prev.hash);
  return { ...record, prevHash: prev.hash, hash, digest: digestAuditEntry({ ...record, hash }, prev.digest) };
}
