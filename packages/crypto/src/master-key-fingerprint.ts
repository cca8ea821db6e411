/**
 * @module master-key-fingerprint
 * A fingerprint of the master key, safe to store in the database (RULINGS R6), so that opening it
 * with another key fails at once with a clear error instead of later as one `DECRYPTION_FAILED`
 * per secret.
 *
 * The fingerprint is HMAC-SHA256 keyed by the master key over a fixed label, not a bare hash of
 * the key: HMAC is a PRF, so the fingerprint reveals nothing about the key, and the label
 * separates it from every other value this project computes from the master key, so it can never
 * be reused as, or collide with, a key.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CryptoError } from './crypto-error.js';
import { isBytes } from './lib/bytes.js';
import { KEY_BYTES } from './sizes.js';

/** Domain separation: versioned, so that a future format can never be confused with this one. */
const FINGERPRINT_LABEL = 'iron-secrets/master-key-fingerprint/v1';

/** HMAC-SHA256. */
const FINGERPRINT_HASH = 'sha256';

/**
 * The fingerprint of `masterKey`: 64 lowercase hex digits, stable for a given key, different for
 * different keys. Safe to store and to show.
 *
 * @throws {CryptoError} `INVALID_MASTER_KEY` if `masterKey` is not 32 bytes.
 *
 * @example
 * ```ts
 * const stored = db.masterKeyFingerprint();
 * if (!fingerprintsEqual(stored, masterKeyFingerprint(masterKey))) {
 *   throw new Error('MASTER_KEY_MISMATCH');
 * }
 * ```
 */
export function masterKeyFingerprint(masterKey: Uint8Array): string {
  if (!isBytes(masterKey) || masterKey.length !== KEY_BYTES) {
    throw new CryptoError('INVALID_MASTER_KEY', `the master key must be ${KEY_BYTES} bytes`);
  }
  return createHmac(FINGERPRINT_HASH, masterKey).update(FINGERPRINT_LABEL).digest('hex');
}

/**
 * Whether two fingerprints are equal, in time that does not depend on where they differ (so a
 * remote caller cannot learn a stored fingerprint byte by byte by timing comparisons). Exact
 * comparison: both must be as {@link masterKeyFingerprint} returns them.
 *
 * @example
 * ```ts
 * fingerprintsEqual(masterKeyFingerprint(key), masterKeyFingerprint(key)); // true
 * ```
 */
export function fingerprintsEqual(a: string, b: string): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') {
    return false;
  }
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // The length of a fingerprint is public (always 64 hex digits): checking it first leaks nothing,
  // and timingSafeEqual requires equal lengths.
  if (left.length !== right.length) {
    return false;
  }
  return timingSafeEqual(left, right);
}
