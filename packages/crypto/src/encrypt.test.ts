import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError } from './crypto-error.js';
import { decrypt } from './decrypt.js';
import { encrypt } from './encrypt.js';
import { KEY_BYTES, NONCE_BYTES, TAG_BYTES } from './sizes.js';

const key = new Uint8Array(KEY_BYTES).map((_, index) => index);
const plaintext = new TextEncoder().encode('sk-proj-abc123def456ghi789');
const aad = new TextEncoder().encode('secret-1\u0000production\u0000OPENAI_API_KEY');

describe('encrypt (FR-2)', () => {
  it('round-trips through decrypt, with and without AAD', () => {
    const withAad = encrypt(plaintext, key, aad);
    expect(decrypt(withAad.ciphertext, key, withAad.nonce, aad)).toEqual(plaintext);
    const withoutAad = encrypt(plaintext, key);
    expect(decrypt(withoutAad.ciphertext, key, withoutAad.nonce)).toEqual(plaintext);
  });

  it('uses a 12-byte nonce and appends the 16-byte tag', () => {
    const { ciphertext, nonce } = encrypt(plaintext, key, aad);
    expect(nonce).toHaveLength(NONCE_BYTES);
    expect(ciphertext).toHaveLength(plaintext.length + TAG_BYTES);
  });

  it('returns plain Uint8Arrays that own their memory (not views into a shared pool)', () => {
    const { ciphertext, nonce } = encrypt(plaintext, key, aad);
    for (const bytes of [ciphertext, nonce]) {
      expect(Buffer.isBuffer(bytes)).toBe(false);
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.buffer.byteLength).toBe(bytes.length);
    }
  });

  it('gives a different nonce and ciphertext for the same plaintext each time', () => {
    const first = encrypt(plaintext, key, aad);
    const second = encrypt(plaintext, key, aad);
    expect(second.nonce).not.toEqual(first.nonce);
    expect(second.ciphertext).not.toEqual(first.ciphertext);
  });

  it('never repeats a nonce over many encryptions', () => {
    const nonces = new Set<string>();
    for (let count = 0; count < 10_000; count++) {
      nonces.add(Buffer.from(encrypt(plaintext, key).nonce).toString('hex'));
    }
    expect(nonces.size).toBe(10_000);
  });

  it('encrypts the empty plaintext (only a tag)', () => {
    const { ciphertext, nonce } = encrypt(new Uint8Array(0), key, aad);
    expect(ciphertext).toHaveLength(TAG_BYTES);
    expect(decrypt(ciphertext, key, nonce, aad)).toEqual(new Uint8Array(0));
  });

  it.each([0, 16, 24, 31, 33, 64])('refuses a %i-byte key with ENCRYPTION_FAILED', (length) => {
    expect(() => encrypt(plaintext, new Uint8Array(length))).toThrowError(
      expect.objectContaining({ name: 'CryptoError', code: 'ENCRYPTION_FAILED' }),
    );
  });

  it('refuses inputs that are not bytes with ENCRYPTION_FAILED', () => {
    const notBytes = 'secret' as unknown as Uint8Array;
    for (const call of [
      () => encrypt(notBytes, key),
      () => encrypt(plaintext, notBytes),
      () => encrypt(plaintext, key, notBytes),
    ]) {
      expect(call).toThrowError(CryptoError);
      expect(call).toThrowError(expect.objectContaining({ code: 'ENCRYPTION_FAILED' }));
    }
  });

  it('never puts key or plaintext in its error messages', () => {
    const longKey = new Uint8Array(33).fill(0x41); // "AAAA..." if it were ever printed as text
    try {
      encrypt(plaintext, longKey);
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).not.toContain('AAAA');
      expect(message).not.toContain('sk-proj');
      expect(message).toContain('32 bytes');
    }
  });

  it('round-trips arbitrary plaintexts and AAD (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 4096 }),
        fc.uint8Array({ minLength: KEY_BYTES, maxLength: KEY_BYTES }),
        fc.option(fc.uint8Array({ maxLength: 256 }), { nil: undefined }),
        (anyPlaintext, anyKey, anyAad) => {
          const sealed = encrypt(anyPlaintext, anyKey, anyAad);
          expect(decrypt(sealed.ciphertext, anyKey, sealed.nonce, anyAad)).toEqual(anyPlaintext);
        },
      ),
    );
  });
});
