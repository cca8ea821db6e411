import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decrypt } from './decrypt.js';
import { encrypt } from './encrypt.js';
import { KEY_BYTES, NONCE_BYTES, TAG_BYTES } from './sizes.js';

const key = new Uint8Array(KEY_BYTES).fill(7);
const otherKey = new Uint8Array(KEY_BYTES).fill(8);
const plaintext = new TextEncoder().encode('postgres://user:hunter2@db/prod');
const aad = new TextEncoder().encode('secret-1\u0000production\u0000DATABASE_URL');

const DECRYPTION_FAILED = expect.objectContaining({ name: 'CryptoError', code: 'DECRYPTION_FAILED' });

/** A copy of `bytes` with bit `bit` flipped. */
function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

describe('decrypt (FR-2)', () => {
  const sealed = encrypt(plaintext, key, aad);

  it('returns the plaintext for the right key, nonce and AAD', () => {
    expect(decrypt(sealed.ciphertext, key, sealed.nonce, aad)).toEqual(plaintext);
  });

  it('fails with a wrong key', () => {
    expect(() => decrypt(sealed.ciphertext, otherKey, sealed.nonce, aad)).toThrowError(DECRYPTION_FAILED);
  });

  it('fails when the ciphertext body is tampered with', () => {
    expect(() => decrypt(flipBit(sealed.ciphertext, 0), key, sealed.nonce, aad)).toThrowError(
      DECRYPTION_FAILED,
    );
  });

  it('fails when the tag is tampered with', () => {
    const lastBit = sealed.ciphertext.length * 8 - 1;
    expect(() => decrypt(flipBit(sealed.ciphertext, lastBit), key, sealed.nonce, aad)).toThrowError(
      DECRYPTION_FAILED,
    );
  });

  it('fails when the nonce is tampered with', () => {
    expect(() => decrypt(sealed.ciphertext, key, flipBit(sealed.nonce, 5), aad)).toThrowError(
      DECRYPTION_FAILED,
    );
  });

  it('fails when the AAD differs (RULINGS R4: a ciphertext moved to another row)', () => {
    const otherRow = new TextEncoder().encode('secret-2\u0000production\u0000DATABASE_URL');
    expect(() => decrypt(sealed.ciphertext, key, sealed.nonce, otherRow)).toThrowError(DECRYPTION_FAILED);
    expect(() => decrypt(sealed.ciphertext, key, sealed.nonce)).toThrowError(DECRYPTION_FAILED);
  });

  it('fails when AAD is added to a ciphertext sealed without it', () => {
    const bare = encrypt(plaintext, key);
    expect(() => decrypt(bare.ciphertext, key, bare.nonce, aad)).toThrowError(DECRYPTION_FAILED);
  });

  it('refuses a truncated tag (authTagLength pinned to 16)', () => {
    for (const cut of [1, 4, 12]) {
      const truncated = sealed.ciphertext.subarray(0, sealed.ciphertext.length - cut);
      expect(() => decrypt(truncated, key, sealed.nonce, aad)).toThrowError(DECRYPTION_FAILED);
    }
  });

  it('refuses ciphertexts shorter than a tag, wrong nonce and key sizes', () => {
    const calls = [
      () => decrypt(new Uint8Array(0), key, sealed.nonce, aad),
      () => decrypt(new Uint8Array(TAG_BYTES - 1), key, sealed.nonce, aad),
      () => decrypt(sealed.ciphertext, key, new Uint8Array(NONCE_BYTES - 1), aad),
      () => decrypt(sealed.ciphertext, key, new Uint8Array(16), aad),
      () => decrypt(sealed.ciphertext, new Uint8Array(16), sealed.nonce, aad),
      () => decrypt(sealed.ciphertext, new Uint8Array(33), sealed.nonce, aad),
      () => decrypt('x' as unknown as Uint8Array, key, sealed.nonce, aad),
      () => decrypt(sealed.ciphertext, key, sealed.nonce, 'aad' as unknown as Uint8Array),
    ];
    for (const call of calls) {
      expect(call).toThrowError(DECRYPTION_FAILED);
    }
  });

  it('gives the same message for every authentication failure (no oracle)', () => {
    const messages = new Set<string>();
    for (const call of [
      () => decrypt(sealed.ciphertext, otherKey, sealed.nonce, aad),
      () => decrypt(flipBit(sealed.ciphertext, 3), key, sealed.nonce, aad),
      () => decrypt(sealed.ciphertext, key, flipBit(sealed.nonce, 3), aad),
      () => decrypt(sealed.ciphertext, key, sealed.nonce, flipBit(aad, 3)),
    ]) {
      try {
        call();
      } catch (error) {
        messages.add((error as Error).message);
      }
    }
    expect(messages.size).toBe(1);
    expect([...messages][0]).not.toContain('hunter2');
  });

  it('fails for any single bit flipped in ciphertext, nonce or AAD (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.constantFrom('ciphertext', 'nonce', 'aad'),
        fc.nat(),
        (anyPlaintext, anyAad, part, position) => {
          const box = encrypt(anyPlaintext, key, anyAad);
          const inputs = { ciphertext: box.ciphertext, nonce: box.nonce, aad: anyAad };
          const target = inputs[part];
          const tampered = { ...inputs, [part]: flipBit(target, position % (target.length * 8)) };
          expect(() => decrypt(tampered.ciphertext, key, tampered.nonce, tampered.aad)).toThrowError(
            DECRYPTION_FAILED,
          );
        },
      ),
    );
  });

  it('returns a plaintext that owns its memory, so wiping it wipes the only copy', () => {
    const result = decrypt(sealed.ciphertext, key, sealed.nonce, aad);
    expect(Buffer.isBuffer(result)).toBe(false);
    expect(result.buffer.byteLength).toBe(result.length);
  });
});
