/**
 * @module aes-gcm
 * The AES-GCM choices shared by {@link encrypt} and {@link decrypt}, so both sides can never
 * disagree on them.
 */

/**
 * AES with a 256-bit key in Galois/Counter Mode (FR-2).
 *
 * @example
 * ```ts
 * createCipheriv(AES_GCM_CIPHER, key, nonce, { authTagLength: TAG_BYTES });
 * ```
 */
export const AES_GCM_CIPHER = 'aes-256-gcm';
