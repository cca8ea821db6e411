/**
 * @module decrypt
 * AES-256-GCM decryption of a secret's value (FR-2).
 *
 * Every failure is the same `DECRYPTION_FAILED`, and an authentication failure says nothing about
 * which input was wrong: an attacker who tampers with a row learns nothing from the error beyond
 * "it did not verify". No plaintext is returned, or kept, unless the tag verified.
 */
import { createDecipheriv } from 'node:crypto';
import { CryptoError } from './crypto-error.js';
import { AES_GCM_CIPHER } from './lib/aes-gcm.js';
import { concatBytes, isBytes } from './lib/bytes.js';
import { KEY_BYTES, NONCE_BYTES, TAG_BYTES } from './sizes.js';
import { wipe } from './wipe.js';

/** Why the message of every authentication failure is the same: see the module header. */
const AUTHENTICATION_FAILED =
  'decryption failed: wrong key, or the ciphertext, nonce or additional authenticated data was altered';

/**
 * Decrypts and verifies what {@link encrypt} produced. `ciphertext` is the encrypted bytes followed
 * by the 16-byte tag, exactly as in {@link Sealed}; `aad` must be the bytes given to `encrypt`.
 *
 * @throws {CryptoError} `DECRYPTION_FAILED` for any failure: wrong key, altered ciphertext, tag,
 *   nonce or AAD, wrong sizes, a ciphertext shorter than a tag.
 *
 * @example
 * ```ts
 * const plaintext = decrypt(row.ciphertext, key, row.nonce, aad);
 * const value = new TextDecoder().decode(plaintext);
 * wipe(plaintext);
 * ```
 */
export function decrypt(
  ciphertext: Uint8Array,
  key: Uint8Array,
  nonce: Uint8Array,
  aad?: Uint8Array,
): Uint8Array {
  if (!isBytes(key) || key.length !== KEY_BYTES) {
    throw new CryptoError('DECRYPTION_FAILED', `the decryption key must be ${KEY_BYTES} bytes`);
  }
  // GCM accepts other nonce lengths (hashing them with GHASH); encrypt never makes one, so a
  // nonce of another length can only be a corrupted or forged row.
  if (!isBytes(nonce) || nonce.length !== NONCE_BYTES) {
    throw new CryptoError('DECRYPTION_FAILED', `the nonce must be ${NONCE_BYTES} bytes`);
  }
  // Without a full tag there is nothing to verify: refuse before touching the cipher.
  if (!isBytes(ciphertext) || ciphertext.length < TAG_BYTES) {
    throw new CryptoError('DECRYPTION_FAILED', `the ciphertext must be at least the ${TAG_BYTES}-byte tag`);
  }
  if (aad !== undefined && !isBytes(aad)) {
    throw new CryptoError('DECRYPTION_FAILED', 'the additional authenticated data must be a Uint8Array');
  }

  const bodyLength = ciphertext.length - TAG_BYTES;
  const body = ciphertext.subarray(0, bodyLength);
  const tag = ciphertext.subarray(bodyLength);

  let head: Uint8Array | undefined;
  let tail: Uint8Array | undefined;
  try {
    // authTagLength pinned to 16: otherwise Node accepts a truncated tag (4 to 15 bytes), and a
    // 4-byte tag can be forged in about 2^32 tries.
    const decipher = createDecipheriv(AES_GCM_CIPHER, key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    if (aad !== undefined) {
      decipher.setAAD(aad);
    }
    // GCM produces plaintext before it has checked the tag; `final()` is the check. Only after it
    // returns is the plaintext released to the caller.
    head = decipher.update(body);
    tail = decipher.final();
    return concatBytes(head, tail);
  } catch (cause) {
    throw new CryptoError('DECRYPTION_FAILED', AUTHENTICATION_FAILED, { cause });
  } finally {
    // The unverified (or copied-out) plaintext must not outlive this call.
    wipe(head, tail);
  }
}
