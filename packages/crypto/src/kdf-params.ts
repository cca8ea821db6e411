/**
 * @module kdf-params
 * The Argon2id parameters of a per-secret key (FR-3, RULINGS R5).
 *
 * They are stored with every secret's row, so that raising them later never breaks old rows. A
 * row can therefore carry any parameters at all, including hostile ones; {@link deriveKey} checks
 * them against fixed bounds before deriving (see `lib/kdf-bounds.ts`).
 */

/** Argon2id parameters, as stored with each secret's row. */
export interface KdfParams {
  /** Always Argon2id: data-independent memory access in the first pass, data-dependent after. */
  readonly algorithm: 'argon2id';
  /** The Argon2 version number: 19 is version 1.3 (0x13), the only one in use. */
  readonly version: 19;
  /** Memory cost, in KiB (Argon2's `m`). */
  readonly memoryKiB: number;
  /** Number of passes over the memory (Argon2's `t`). */
  readonly iterations: number;
  /** Number of lanes (Argon2's `p`); it changes the output, not only the speed. */
  readonly parallelism: number;
  /** Length of the derived key in bytes: always 32, an AES-256 key. */
  readonly keyLength: number;
}

/** Argon2 version 1.3, written 0x13 in the reference implementation (`-v 13`). */
const ARGON2_VERSION_1_3 = 0x13;
/** 19 MiB: OWASP's recommended minimum for Argon2id, and FR-3's value. */
const DEFAULT_MEMORY_KIB = 19_456;
/** Two passes: FR-3's value (with 19 MiB, OWASP's recommended time cost). */
const DEFAULT_ITERATIONS = 2;
/** One lane: FR-3's value; also the only value the reference vectors are checked with by default. */
const DEFAULT_PARALLELISM = 1;
/** 32 bytes: an AES-256 key. */
const DEFAULT_KEY_LENGTH = 32;

/**
 * The parameters of FR-3 / RULINGS R5: Argon2id v0x13, m = 19456 KiB, t = 2, p = 1, 32 bytes.
 * Frozen, so no caller can change them for everyone else.
 *
 * @example
 * ```ts
 * const key = await deriveKey(masterKey, salt, DEFAULT_KDF_PARAMS);
 * store({ ...row, kdf: DEFAULT_KDF_PARAMS }); // stored with the row (RULINGS R5)
 * ```
 */
export const DEFAULT_KDF_PARAMS: KdfParams = Object.freeze({
  algorithm: 'argon2id',
  version: ARGON2_VERSION_1_3,
  memoryKiB: DEFAULT_MEMORY_KIB,
  iterations: DEFAULT_ITERATIONS,
  parallelism: DEFAULT_PARALLELISM,
  keyLength: DEFAULT_KEY_LENGTH,
});
