/**
 * @module sizes
 * The sizes, in bytes, of everything this package handles. One place, so that every check and
 * every allocation uses the same number.
 */

/**
 * Length of an AES-256 key and of the master key: 256 bits (FR-1.2, FR-2).
 *
 * @example
 * ```ts
 * if (key.length !== KEY_BYTES) throw new Error('not an AES-256 key');
 * ```
 */
export const KEY_BYTES = 32;

/**
 * Length of an AES-GCM nonce: the 96 bits for which GCM is specified without an extra GHASH
 * step (NIST SP 800-38D), and whose random choice is safe for 2^32 encryptions under one key.
 *
 * @example
 * ```ts
 * const { nonce } = encrypt(plaintext, key); // nonce.length === NONCE_BYTES
 * ```
 */
export const NONCE_BYTES = 12;

/**
 * Length of a per-secret Argon2id salt: 128 bits (RULINGS R5), so that two secrets never share one.
 *
 * @example
 * ```ts
 * const salt = randomSalt(); // salt.length === SALT_BYTES
 * ```
 */
export const SALT_BYTES = 16;

/**
 * Length of the AES-GCM authentication tag: the full 128 bits. Shorter tags make forgeries
 * cheaper, so decryption accepts no other length.
 *
 * @example
 * ```ts
 * const { ciphertext } = encrypt(plaintext, key); // ciphertext.length === plaintext.length + TAG_BYTES
 * ```
 */
export const TAG_BYTES = 16;
