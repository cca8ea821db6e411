/**
 * @module crypto-error
 * The one error class of the crypto package, with a stable `code` to switch on.
 *
 * Messages say what was expected and what kind of thing arrived (a length, a count), never a
 * value: no key material, no plaintext and no master key ever appears in a message, so an error
 * that ends up in a log or an audit entry leaks nothing.
 */

/** What went wrong, as a stable code (RULINGS R9: error classes with a stable `code`). */
export type CryptoErrorCode =
  /** The master key is not base64 of exactly 32 bytes (RULINGS R6). */
  | 'INVALID_MASTER_KEY'
  /** A secret could not be encrypted: a key of the wrong size, or input that is not bytes. */
  | 'ENCRYPTION_FAILED'
  /** A ciphertext could not be decrypted: wrong key, or ciphertext, tag, nonce or AAD altered. */
  | 'DECRYPTION_FAILED'
  /** A per-secret key could not be derived: bad inputs, parameters out of bounds, Argon2 failure. */
  | 'KEY_DERIVATION_FAILED';

/**
 * An error of the crypto package, with a stable `code`.
 *
 * @example
 * ```ts
 * try {
 *   decrypt(ciphertext, key, nonce, aad);
 * } catch (error) {
 *   if (error instanceof CryptoError && error.code === 'DECRYPTION_FAILED') {
 *     // wrong key or tampered row: report it, never retry with another key blindly
 *   }
 * }
 * ```
 */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
