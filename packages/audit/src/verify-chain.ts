/**
 * @module verify-chain
 * Verifying the audit chain, one entry at a time, so a log of millions of entries is checked in
 * constant memory.
 */
import { timingSafeEqual } from 'node:crypto';
import { GENESIS_HASH, type StoredAuditEntry } from './audit-entry.js';
import { hashAuditRecord } from './chain.js';
import { digestAuditEntry } from './digest.js';

/** Where the remaining chain starts after retention pruned its beginning. */
export interface ChainAnchor {
  /** The id of the last pruned entry. */
  readonly throughId: number;
  /** The hash of the last pruned entry: the `prevHash` the first remaining entry must carry. */
  readonly hash: string;
  /** The digest of the last pruned entry; absent in anchors from before 0.3 (its hash stands in). */
  readonly digest?: string | null | undefined;
}

/** Where the chain stands after the entries pushed so far. */
export interface ChainPosition {
  /** The id of the last entry (or the anchor's), 0 before the first. */
  readonly id: number;
  readonly hash: string;
  readonly digest: string;
}

/** Options of {@link AuditChainVerifier}. */
export interface ChainVerifierOptions {
  /**
   * Entries up to this id were keyed under an audit-chain key that a master-key rotation has
   * since replaced: their links and digests are checked, not their keyed hashes (the rotation
   * anchored the chain's head under the new key instead).
   */
  readonly keyedAfter?: number | undefined;
  /**
   * Entries after this id must store their digest (entries written before 0.3 have none): a
   * digest stripped from one is found even where nothing before it had one.
   */
  readonly digestsAfter?: number | undefined;
}

/** The outcome of a verify pass. */
export interface ChainVerification {
  /** True when every entry is intact and linked to the one before it. */
  readonly ok: boolean;
  /** How many entries were checked. */
  readonly entries: number;
  /** The id of the first entry found wrong, when `ok` is false. */
  readonly firstBadId?: number;
  /** What is wrong with it, when `ok` is false. */
  readonly reason?: string;
}

/**
 * Checks entries in log order. Each entry must (1) come after the previous id, (2) carry the
 * previous entry's hash as its `prevHash` (a deleted or inserted entry breaks this link), and
 * (3) carry the hash of its own fields (an edited field breaks this). The first failure is kept.
 *
 * @example
 * ```ts
 * const verifier = new AuditChainVerifier(key, anchor);
 * for (const entry of entries) if (!verifier.push(entry)) break;
 * verifier.result(); // { ok: true, entries: 3 }
 * ```
 */
export class AuditChainVerifier {
  readonly #chainKey: Uint8Array;
  readonly #keyedAfter: number;
  readonly #digestsAfter: number;
  #expectedPrevHash: string;
  #prevDigest: string;
  #lastId: number;
  /** Once an entry stores its digest, every later one must: a missing one was stripped. */
  #digestsStored = false;
  #entries = 0;
  #failure: { firstBadId: number; reason: string } | undefined;

  constructor(chainKey: Uint8Array, anchor: ChainAnchor | null = null, options: ChainVerifierOptions = {}) {
    this.#chainKey = chainKey;
    this.#keyedAfter = options.keyedAfter ?? 0;
    this.#digestsAfter = options.digestsAfter ?? Number.POSITIVE_INFINITY;
    this.#expectedPrevHash = anchor?.hash ?? GENESIS_HASH;
    this.#prevDigest = anchor?.digest ?? anchor?.hash ?? GENESIS_HASH;
    this.#lastId = anchor?.throughId ?? 0;
  }

  /** The last entry accepted (or the anchor): what a head, rotation anchor or checkpoint must match. */
  position(): ChainPosition {
    return { id: this.#lastId, hash: this.#expectedPrevHash, digest: this.#prevDigest };
  }

  /** Checks the next entry; returns false once the chain is known to be broken. */
  push(entry: StoredAuditEntry): boolean {
    if (this.#failure) return false;
    this.#entries += 1;
    const checked = this.#check(entry);
    if (typeof checked !== 'object') {
      this.#failure = { firstBadId: entry.id, reason: checked };
      return false;
    }
    this.#expectedPrevHash = entry.hash;
    this.#prevDigest = checked.digest;
    this.#lastId = entry.id;
    return true;
  }

  /** Records a failure found outside the entries (an anchor, the head, a checkpoint). */
  fail(firstBadId: number, reason: string): void {
    this.#failure ??= { firstBadId, reason };
  }

  /** The verdict so far. */
  result(): ChainVerification {
    return this.#failure
      ? { ok: false, entries: this.#entries, ...this.#failure }
      : { ok: true, entries: this.#entries };
  }

  /** The entry's digest (computed once) when it is intact, else what is wrong with it. */
  #check(entry: StoredAuditEntry): { digest: string } | string {
    if (!(entry.id > this.#lastId)) {
      return `entry ${entry.id} is out of order (after entry ${this.#lastId})`;
    }
    if (!sameHash(entry.prevHash, this.#expectedPrevHash)) {
      return `entry ${entry.id} does not link to the entry before it: an entry was deleted, inserted or reordered`;
    }
    if (
      entry.id > this.#keyedAfter &&
      !sameHash(entry.hash, hashAuditRecord(this.#chainKey, entry, entry.prevHash))
    ) {
      return `entry ${entry.id} does not match its hash: its fields were edited`;
    }
    const digest = digestAuditEntry(entry, this.#prevDigest);
    if (entry.digest === null) {
      if (this.#digestsStored || entry.id > this.#digestsAfter) {
        return `entry ${entry.id} lost its digest: it was rewritten`;
      }
    } else {
      this.#digestsStored = true;
      if (!sameHash(entry.digest, digest)) {
        return `entry ${entry.id} does not match its digest: its fields were edited`;
      }
    }
    return { digest };
  }
}

/**
 * Verifies a whole sequence of entries at once.
 *
 * @example
 * ```ts
 * verifyAuditChain(key, entries).ok; // true
 * ```
 */
export function verifyAuditChain(
  chainKey: Uint8Array,
  entries: Iterable<StoredAuditEntry>,
  anchor: ChainAnchor | null = null,
  options: ChainVerifierOptions = {},
): ChainVerification {
  const verifier = new AuditChainVerifier(chainKey, anchor, options);
  for (const entry of entries) {
    if (!verifier.push(entry)) break;
  }
  return verifier.result();
}

/** Constant-time comparison of two hex hashes (a stored hash is attacker-controlled input). */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
