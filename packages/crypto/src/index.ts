/**
 * @module @iron/secrets-crypto
 * AES-256-GCM encryption, Argon2id per-secret keys, master-key parsing and fingerprints, and a
 * bounded cache of derived keys. No I/O beyond `node:crypto` and the Argon2 implementations.
 */

export type { CryptoErrorCode } from './crypto-error.js';
export { CryptoError } from './crypto-error.js';
export { decrypt } from './decrypt.js';
export { argon2Implementation, deriveKey } from './derive-key.js';
export type { DerivedKeyCacheOptions } from './derived-key-cache.js';
export { DerivedKeyCache } from './derived-key-cache.js';
export type { Sealed } from './encrypt.js';
export { encrypt } from './encrypt.js';
export { generateMasterKey } from './generate-master-key.js';
export type { KdfParams } from './kdf-params.js';
export { DEFAULT_KDF_PARAMS } from './kdf-params.js';
export type { Argon2ImplementationName } from './lib/argon2-backend.js';
export { fingerprintsEqual, masterKeyFingerprint } from './master-key-fingerprint.js';
export { parseMasterKey } from './parse-master-key.js';
export { randomSalt } from './random-salt.js';
export { KEY_BYTES, NONCE_BYTES, SALT_BYTES, TAG_BYTES } from './sizes.js';
export { wipe } from './wipe.js';
