/**
 * @module random-salt
 * Fresh salts for per-secret keys (RULINGS R5).
 */
import { randomBytesFresh } from './lib/bytes.js';
import { SALT_BYTES } from './sizes.js';

/**
 * 16 bytes from the operating system's CSPRNG: the salt of a new secret (or of a secret whose
 * value changes, so that a new value never reuses the old key).
 *
 * @example
 * ```ts
 * const salt = randomSalt();
 * const key = await deriveKey(masterKey, salt);
 * ```
 */
export function randomSalt(): Uint8Array {
  return randomBytesFresh(SALT_BYTES);
}
