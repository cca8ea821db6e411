/**
 * @module key-wrap
 * Keys the database keeps only encrypted under the master key (the audit-chain key, the
 * checkpoint signing key): AES-256-GCM under an Argon2id key derived from the master key with a
 * fresh salt, and a label as associated data, so a wrapped key cannot be moved into another slot.
 */
import { decrypt, deriveKey, encrypt, randomSalt, wipe } from '@iron/secrets-crypto';
import { CURRENT_KDF, kdfParams } from './secret-cipher.js';

/** The stored form: JSON with the salt, nonce, ciphertext and the derivation's cost. */
interface WrappedKey {
  readonly v: number;
  readonly salt: string;
  readonly nonce: string;
  readonly blob: string;
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/** Encrypts `key` under the master key for the slot named by `label` (the AAD). */
export async function wrapKey(
  masterKey: Uint8Array,
  key: Uint8Array,
  label: string,
  version = 1,
): Promise<string> {
  const salt = randomSalt();
  const wrappingKey = await deriveKey(masterKey, salt);
  try {
    const sealed = encrypt(key, wrappingKey, Buffer.from(label, 'utf8'));
    const wrapped: WrappedKey = {
      v: version,
      salt: Buffer.from(salt).toString('base64'),
      nonce: Buffer.from(sealed.nonce).toString('base64'),
      blob: Buffer.from(sealed.ciphertext).toString('base64'),
      memoryKiB: CURRENT_KDF.memoryKiB,
      iterations: CURRENT_KDF.iterations,
      parallelism: CURRENT_KDF.parallelism,
    };
    return JSON.stringify(wrapped);
  } finally {
    wipe(wrappingKey);
  }
}

/** The `v` a stored wrapped key claims (authenticated only once it opens with its version's label). */
export function wrappedVersion(stored: string): number | undefined {
  try {
    const v = (JSON.parse(stored) as Partial<WrappedKey>).v;
    return typeof v === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Decrypts a wrapped key; throws (any error) when it was damaged, moved or replaced. */
export async function unwrapKey(masterKey: Uint8Array, stored: string, label: string): Promise<Uint8Array> {
  const wrapped = JSON.parse(stored) as WrappedKey;
  let wrappingKey: Uint8Array | undefined;
  try {
    wrappingKey = await deriveKey(
      masterKey,
      Buffer.from(wrapped.salt, 'base64'),
      kdfParams({
        ...CURRENT_KDF,
        memoryKiB: wrapped.memoryKiB,
        iterations: wrapped.iterations,
        parallelism: wrapped.parallelism,
      }),
    );
    return decrypt(
      Buffer.from(wrapped.blob, 'base64'),
      wrappingKey,
      Buffer.from(wrapped.nonce, 'base64'),
      Buffer.from(label, 'utf8'),
    );
  } finally {
    wipe(wrappingKey);
  }
}
