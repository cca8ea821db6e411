/**
 * @module @iron/secrets-audit
 * Audit entries, their keyed hash chain, verification and retention. Pure: no I/O.
 */

export type { AuditRecord, ChainedAuditRecord, StoredAuditEntry } from './audit-entry.js';
export { AuditOperation, DISCLOSURES, Disclosure, GENESIS_HASH, NO_SECRET_NAME } from './audit-entry.js';
export {
  AUDIT_CHAIN_KEY_BYTES,
  type ChainLink,
  chainAuditRecord,
  GENESIS_LINK,
  hashAuditRecord,
} from './chain.js';
export { AUDIT_DIGEST_PREFIX, digestAuditEntry } from './digest.js';
export { DEFAULT_RETENTION_DAYS, retentionCutoff } from './retention.js';
export type { ChainAnchor, ChainPosition, ChainVerification, ChainVerifierOptions } from './verify-chain.js';
export { AuditChainVerifier, sameHash, verifyAuditChain } from './verify-chain.js';
