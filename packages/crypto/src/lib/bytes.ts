/**
 * @module bytes
 * Small helpers for byte arrays that hold secrets.
 */
import { randomFillSync } from 'node:crypto';

/**
 * Whether `value` is a byte array (a `Buffer` is one too). Checked at run time because callers in
 * plain JavaScript, or rows decoded from a database, may pass anything.
 *
 * @example
 * ```ts
 * if (!isBytes(key)) throw new CryptoError('ENCRYPTION_FAILED', 'the key must be a Uint8Array');
 * ```
 */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/**
 * The concatenation of `parts` in a fresh `Uint8Array` that owns its memory.
 *
 * Why not `Buffer.concat`: small results come from Node's shared 8 KiB pool, whose `ArrayBuffer`
 * also holds unrelated allocations, so a result's `.buffer` would expose other data (or other
 * data's `.buffer` would expose the secret). A plain `Uint8Array` of exactly the right size shares
 * memory with nothing.
 *
 * @example
 * ```ts
 * const ciphertext = concatBytes(body, tail, tag);
 * ```
 */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) {
    length += part.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * A copy of `bytes` in a fresh `Uint8Array` with an `ArrayBuffer` of its own.
 *
 * Why not `bytes.slice()`: on a `Buffer`, `slice` is `subarray`, a *view* of the same memory
 * (often Node's shared pool). Zeroing or transferring such a "copy" would zero or detach the
 * caller's bytes, and with them every other Buffer in that pool. The constructor always copies.
 *
 * @example
 * ```ts
 * const loan = copyBytes(cachedKey);
 * ```
 */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

/**
 * `length` bytes from the operating system's CSPRNG, in a fresh `Uint8Array` (not a pooled
 * `Buffer`, for the reason given at {@link concatBytes}).
 *
 * @example
 * ```ts
 * const nonce = randomBytesFresh(NONCE_BYTES);
 * ```
 */
export function randomBytesFresh(length: number): Uint8Array {
  return randomFillSync(new Uint8Array(length));
}
