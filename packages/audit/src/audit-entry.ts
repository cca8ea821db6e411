/**
 * @module audit-entry
 * The audit entry of FR-8: what happened to which secret, by whom, and whether it worked.
 */

/**
 * The operations an audit entry records (the CHECK constraint of FR-8.2). Reads include values
 * handed out by listing.
 *
 * @example
 * ```ts
 * AuditOperation.Read; // 'READ'
 * ```
 */
export const AuditOperation = {
  Create: 'CREATE',
  Read: 'READ',
  Update: 'UPDATE',
  Delete: 'DELETE',
} as const;

/** One of `'CREATE' | 'READ' | 'UPDATE' | 'DELETE'`. */
export type AuditOperation = (typeof AuditOperation)[keyof typeof AuditOperation];

/**
 * What a READ handed out (issue 15), so "who saw the plaintext of X" has an exact answer: the
 * full `value` (a get, a revealed or an agent's listing, an injection), only the `masked` form,
 * or `none` (a names-only listing). A refused READ records what it asked for.
 *
 * @example
 * ```ts
 * Disclosure.Value; // 'value'
 * ```
 */
export const Disclosure = {
  Value: 'value',
  Masked: 'masked',
  None: 'none',
} as const;

/** One of `'value' | 'masked' | 'none'`. */
export type Disclosure = (typeof Disclosure)[keyof typeof Disclosure];

/** Every {@link Disclosure}, for parsing filters. */
export const DISCLOSURES: readonly Disclosure[] = Object.freeze(Object.values(Disclosure));

/**
 * The facts an audit entry records, before it joins the chain. Never holds a secret value, not
 * even masked (RULINGS R3).
 */
export interface AuditRecord {
  /** Unix time in seconds (FR-8.2's `timestamp`). */
  readonly timestamp: number;
  readonly operation: AuditOperation;
  /** The secret's name; `*` when the operation named none (a refused listing). */
  readonly secretName: string;
  /** The environment acted on, when known. */
  readonly environment: string | null;
  readonly requesterRole: 'admin' | 'viewer' | 'agent';
  readonly agentId: string | null;
  /** The requester's identity beyond its role: token id or operator user name. */
  readonly requesterId: string | null;
  readonly success: boolean;
  /** Why it failed; never a secret value. */
  readonly errorMessage: string | null;
  /**
   * The secret's version this entry wrote, deleted or read (null when the operation was not on
   * one stored version: a refusal, a token, the master key, or an entry from before 0.3).
   * `audit verify` compares it with the secret rows to find one rolled back to an older ciphertext.
   */
  readonly secretVersion: number | null;
  /**
   * What a READ handed out; null for every other operation (and in entries from before 0.3.1,
   * which did not record it: a listing then was a READ of each secret, value or not).
   */
  readonly disclosure: Disclosure | null;
}

/** An audit record linked into the hash chain. */
export interface ChainedAuditRecord extends AuditRecord {
  /** The `hash` of the entry before it, or {@link GENESIS_HASH} for the first. */
  readonly prevHash: string;
  /** HMAC-SHA256 over `prevHash` and every field above, hex. */
  readonly hash: string;
  /**
   * The public chain: SHA-256 over the entry's fields, its `hash` and the previous entry's
   * digest (see digest.ts), hex. Anyone can recompute it, so a signed checkpoint of it proves to
   * someone without the master key that a later log extends an earlier one. Null in entries
   * written before 0.3: their digest is still defined (and recomputed), only not stored.
   */
  readonly digest: string | null;
}

/** An audit entry as stored: a chained record with its position in the log. */
export interface StoredAuditEntry extends ChainedAuditRecord {
  /** Strictly increasing position in the log. */
  readonly id: number;
}

/**
 * The `prev_hash` of the first entry ever written: 64 zero digits.
 *
 * @example
 * ```ts
 * GENESIS_HASH.length; // 64
 * ```
 */
export const GENESIS_HASH = '0'.repeat(64);

/** `*` names "no single secret": not a valid secret name, so it cannot be confused with one. */
export const NO_SECRET_NAME = '*';
