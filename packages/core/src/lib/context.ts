/**
 * @module context
 * What every operation needs from the manager that runs it.
 */
import { wipe } from '@iron/secrets-crypto';
import type { Storage } from '@iron/secrets-storage';
import type { SecretCipher } from './secret-cipher.js';

/** The state of an open SecretsManager, shared by its operations. */
export interface ManagerContext {
  readonly storage: Storage;
  readonly cipher: SecretCipher;
  /** The fingerprint of the master key the cipher holds (R6); checked in writing transactions. */
  readonly fingerprint: string;
  /** Key of the audit hash chain (see audit-chain-key). */
  readonly auditChainKey: Uint8Array;
  /** Largest value accepted, in UTF-8 bytes. */
  readonly maxValueBytes: number;
  /** Days of audit log that pruning keeps. */
  readonly retentionDays: number;
  /** The current time in unix seconds. */
  now(): number;
  /** Counters kept in memory for this manager, shared by every context it swaps to. */
  readonly counters: ManagerCounters;
}

/** What is counted rather than audited one by one. */
export interface ManagerCounters {
  /**
   * Presented tokens refused without naming an existing token (malformed, unknown id): counted,
   * not each committed as an audit entry, so a flood of garbage cannot grow the log.
   */
  rejectedTokens: number;
}

/**
 * Wipes the keys a context holds. Only once no operation uses it: after `close()` has waited for
 * the running ones, or after a rotation committed while it was the only operation inside.
 */
export function retireContext(context: ManagerContext): void {
  context.cipher.close();
  wipe(context.auditChainKey);
}
