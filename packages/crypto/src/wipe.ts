/**
 * @module wipe
 * Best-effort zeroing of buffers that held key material or plaintext (NFR-6, RULINGS R9: the
 * `zeroize` of the Rust spec). JavaScript gives no guarantee that no copy survives elsewhere (a
 * garbage-collected copy, a string), so this shortens the time a secret sits in memory; it does not
 * make it zero.
 */

/**
 * Overwrites every given buffer with zeros. `undefined` entries are skipped, so optional buffers
 * can be passed as they are.
 *
 * @example
 * ```ts
 * const key = await deriveKey(masterKey, salt);
 * try {
 *   return decrypt(ciphertext, key, nonce, aad);
 * } finally {
 *   wipe(key);
 * }
 * ```
 */
export function wipe(...buffers: (Uint8Array | undefined)[]): void {
  for (const buffer of buffers) {
    buffer?.fill(0);
  }
}
