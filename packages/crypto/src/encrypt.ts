/**
 * @module encrypt
 * AES-256-GCM encryption of a secret's value (FR-2).
 *
 * Each call draws a fresh random 96-bit nonce. Reusing a nonce under one key would reveal the XOR
 * of two plaintexts and let an attacker forge tags, so the nonce is never taken from the caller.
 * Every secret has its own derived key (RULINGS R5), which keeps the number of encryptions per key
 * far below the 2^32 that random 96-bit nonces allow.
 */
import { createCipheriv } from 'node:crypto';
import { CryptoError } from './crypto-error.js';
import { AES_GCM_CIPHER } from './lib/aes-gcm.js';
import { concatBytes, isBytes, randomBytesFresh } from './lib/bytes.js';
import { KEY_BYTES, NONCE_BYTES, TAG_BYTES } from './sizes.js';

/** The result of {@link encrypt}: what must be stored to decrypt again (with the key and AAD). */
export interface Sealed {
  /** The encrypted bytes followed by the 16-byte GCM authentication tag. */
  readonly ciphertext: Uint8Array;
  /** The 12 random bytes this encryption used; not secret, but needed to decrypt. */
  readonly nonce: Uint8Array;
}

/**
 * Encrypts `plaintext` under the 32-byte `key` with AES-256-GCM, authenticating `aad` too.
 *
 * `aad` (additional authenticated data) is not encrypted and not stored in the result, but
 * decryption fails unless the same bytes are given again: RULINGS R4 puts the secret's id,
 * environment and name there, so a ciphertext moved to another row does not decrypt.
 *
 * @throws {CryptoError} `ENCRYPTION_FAILED` if the key is not 32 bytes or an input is not bytes.
 *
 * @example
 * ```ts
 * const aad = new TextEncoder().encode('secret-id\u0000production\u0000OPENAI_API_KEY');
 * const { ciphertext, nonce } = encrypt(new TextEncoder().encode('sk-...'), key, aad);
 * ```
 */
export function encrypt(plaintext: Uint8Array, key: Uint8Array, aad?: Uint8Array): Sealed {
  if (!isBytes(plaintext)) {
    throw new CryptoError('ENCRYPTION_FAILED', 'the plaintext must be a Uint8Array');
  }
  // A key of another size would select another AES variant (or fail deep inside OpenSSL with a
  // message naming the cipher); the spec fixes AES-256.
  if (!isBytes(key) || key.length !== KEY_BYTES) {
    throw new CryptoError(
      'ENCRYPTION_FAILED',
      `the encryption key must be ${KEY_BYTES} bytes (got ${isBytes(key) ? key.length : typeof key})`,
    );
  }
  if (aad !== undefined && !isBytes(aad)) {
    throw new CryptoError('ENCRYPTION_FAILED', 'the additional authenticated data must be a Uint8Array');
  }

  const nonce = randomBytesFresh(NONCE_BYTES);
  try {
    const cipher = createCipheriv(AES_GCM_CIPHER, key, nonce, { authTagLength: TAG_BYTES });
    if (aad !== undefined) {
      cipher.setAAD(aad);
    }
    const body = cipher.update(plaintext);
    const tail = cipher.final();
    const tag = cipher.getAuthTag();
    return { ciphertext: concatBytes(body, tail, tag), nonce };
  } catch (cause) {
    throw new CryptoError('ENCRYPTION_FAILED', 'AES-256-GCM encryption failed', { cause });
  }
}
