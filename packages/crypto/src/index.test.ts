import { describe, expect, it } from 'vitest';
import * as crypto from './index.js';

describe('@iron/secrets-crypto public API', () => {
  it('exports exactly the agreed values (other packages are written against them)', () => {
    expect(Object.keys(crypto).sort()).toEqual(
      [
        'CryptoError',
        'DEFAULT_KDF_PARAMS',
        'DerivedKeyCache',
        'KEY_BYTES',
        'NONCE_BYTES',
        'SALT_BYTES',
        'TAG_BYTES',
        'argon2Implementation',
        'decrypt',
        'deriveKey',
        'encrypt',
        'fingerprintsEqual',
        'generateMasterKey',
        'masterKeyFingerprint',
        'parseMasterKey',
        'randomSalt',
        'wipe',
      ].sort(),
    );
  });

  it('has the agreed sizes', () => {
    expect([crypto.KEY_BYTES, crypto.NONCE_BYTES, crypto.SALT_BYTES, crypto.TAG_BYTES]).toEqual([
      32, 12, 16, 16,
    ]);
  });

  it('works end to end: master key -> per-secret key -> seal -> open', async () => {
    const masterKey = crypto.parseMasterKey(crypto.generateMasterKey());
    const salt = crypto.randomSalt();
    const aad = new TextEncoder().encode('secret-1\u0000production\u0000OPENAI_API_KEY');
    const cache = new crypto.DerivedKeyCache();
    const sealed = await cache.withKey(masterKey, salt, crypto.DEFAULT_KDF_PARAMS, (key) =>
      crypto.encrypt(new TextEncoder().encode('sk-test'), key, aad),
    );
    const opened = await cache.withKey(masterKey, salt, crypto.DEFAULT_KDF_PARAMS, (key) =>
      new TextDecoder().decode(crypto.decrypt(sealed.ciphertext, key, sealed.nonce, aad)),
    );
    expect(opened).toBe('sk-test');
    cache.clear();
    crypto.wipe(masterKey);
  });
});
