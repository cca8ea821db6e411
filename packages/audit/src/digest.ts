/**
 * @module digest
 * The public chain over audit entries: a plain SHA-256 chain anyone can recompute from exported
 * entries, without the audit-chain key. A signed checkpoint names the digest of the newest entry;
 * a later log extends that checkpoint exactly when recomputing digests from the checkpointed entry
 * onwards reproduces every stored digest. (Certificate Transparency's signed tree heads and AWS
 * CloudTrail's digest files play the same part.)
 *
 * The bytes hashed, for an entry after the entry whose digest is `prevDigest` (docs/operations.md
 * shows them for an outside verifier):
 *
 *     "iron-secrets/audit-digest/v1\n" + JSON.stringify([prevDigest, timestamp, operation,
 *       secretName, environment, requesterRole, agentId, requesterId, success, errorMessage,
 *       secretVersion, hash])
 *
 * and, for an entry that records what a READ handed out (0.3.1), `disclosure` as a 13th element
 * after `hash`. The array's length tells the two forms apart, so no entry of one form hashes
 * like an entry of the other.
 *
 * JSON.stringify of strings, integers, booleans and null is the same in every language that
 * writes minimal JSON (no spaces; non-ASCII characters as themselves, UTF-8).
 */
import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-entry.js';

/** Prefix of the hashed bytes, so a digest can never be mistaken for any other SHA-256 of ours. */
export const AUDIT_DIGEST_PREFIX = 'iron-secrets/audit-digest/v1\n';

/**
 * The digest of an entry after the entry whose digest is `prevDigest`. Before the first entry
 * (and after an anchor from before 0.3, which has no digest) `prevDigest` is that anchor's hash,
 * or {@link GENESIS_HASH}.
 *
 * @example
 * ```ts
 * digestAuditEntry({ ...record, hash }, GENESIS_HASH); // 64 hex digits
 * ```
 */
export function digestAuditEntry(entry: AuditRecord & { readonly hash: string }, prevDigest: string): string {
  const fields: unknown[] = [
    prevDigest,
    entry.timestamp,
    entry.operation,
    entry.secretName,
    entry.environment,
    entry.requesterRole,
    entry.agentId,
    entry.requesterId,
    entry.success,
    entry.errorMessage,
    entry.secretVersion,
    entry.hash,
  ];
  if (entry.disclosure !== null) fields.push(entry.disclosure);
  const bytes = JSON.stringify(fields);
  return createHash('sha256')
    .update(AUDIT_DIGEST_PREFIX + bytes, 'utf8')
    .digest('hex');
}
