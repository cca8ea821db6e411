import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintsEqual, masterKeyFingerprint } from './master-key-fingerprint.js';

const key = new Uint8Array(32).fill(1);
const otherKey = new Uint8Array(32).fill(2);

describe('masterKeyFingerprint (RULINGS R6)', () => {
  it('is 64 lowercase hex digits, stable for a key', () => {
    const fingerprint = masterKeyFingerprint(key);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(masterKeyFingerprint(key.slice())).toBe(fingerprint);
  });

  it('is HMAC-SHA256 of the domain-separation label under the key (fixed, so stored ones stay valid)', () => {
    const expected = createHmac('sha256', key).update('iron-secrets/master-key-fingerprint/v1').digest('hex');
    expect(masterKeyFingerprint(key)).toBe(expected);
  });

  it('differs for different keys, even by one bit', () => {
    const oneBitOff = key.slice();
    oneBitOff[31]! ^= 0x80;
    const fingerprints = new Set([key, otherKey, oneBitOff].map(masterKeyFingerprint));
    expect(fingerprints.size).toBe(3);
  });

  it('is not a bare hash of the key', () => {
    const sha256 = createHmac('sha256', '').update(key).digest('hex');
    expect(masterKeyFingerprint(key)).not.toBe(sha256);
  });

  it('refuses a key that is not 32 bytes with INVALID_MASTER_KEY', () => {
    for (const wrong of [new Uint8Array(31), new Uint8Array(33), 'key' as unknown as Uint8Array]) {
      expect(() => masterKeyFingerprint(wrong)).toThrowError(
        expect.objectContaining({ name: 'CryptoError', code: 'INVALID_MASTER_KEY' }),
      );
    }
  });
});

describe('fingerprintsEqual', () => {
  const fingerprint = masterKeyFingerprint(key);

  it('is true for equal fingerprints and false otherwise', () => {
    expect(fingerprintsEqual(fingerprint, masterKeyFingerprint(key))).toBe(true);
    expect(fingerprintsEqual(fingerprint, masterKeyFingerprint(otherKey))).toBe(false);
    expect(fingerprintsEqual(fingerprint, fingerprint.slice(0, 63))).toBe(false);
    expect(fingerprintsEqual(fingerprint, `${fingerprint}0`)).toBe(false);
    expect(fingerprintsEqual(fingerprint, fingerprint.toUpperCase())).toBe(false);
    expect(fingerprintsEqual('', '')).toBe(true);
  });

  it('is false, not an exception, for values that are not strings', () => {
    expect(fingerprintsEqual(fingerprint, undefined as unknown as string)).toBe(false);
    expect(fingerprintsEqual(null as unknown as string, fingerprint)).toBe(false);
  });
});
