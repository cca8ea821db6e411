/**
 * @module audit-chain-key
 * The key of the audit hash chain: random, stored in the database only wrapped (encrypted) under
 * the master key. Someone with the database file but not the master key can neither read it nor
 * re-hash an edited history; rotating the master key re-wraps it and keeps the chain verifiable.
 */

import { randomBytes } from 'node:crypto';
import { AUDIT_CHAIN_KEY_BYTES } from '@iron/secrets-audit';
import { decrypt, deriveKey, encrypt, randomSalt, wipe } from '@iron/secrets-crypto';
import { IronSecretsError } from '../errors.js';
import { CURRENT_KDF, kdfParams } from './secret-cipher.js';

/** The settings row holding the wrapped key. */
export const AUDIT_CHAIN_KEY_SETTING = 'audit_chain_key';

const WRAP_AAD = Buffer.from('iron-secrets/audit-chain-key/v1', 'utf8');

interface WrappedKey {
  readonly v: 1;
  readonly salt: string;
  readonly nonce: string;
  readonly blob: string;
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/** A new random chain key, and its wrapped form for the settings table. */
export async function newAuditChainKey(masterKey: Uint8Array): Promise<{ key: Uint8Array; wrapped: string }> {
  const key = randomBytes(AUDIT_CHAIN_KEY_BYTES);
  return { key, wrapped: await wrapAuditChainKey(masterKey, key) };
}

/** Encrypts the chain key under a key derived from the master key. */
export async function wrapAuditChainKey(masterKey: Uint8Array, chainKey: Uint8Array): Promise<string> {
  const salt = randomSalt();
  const wrappingKey = await deriveKey(masterKey, salt);
  try {
    const sealed = encrypt(chainKey, wrappingKey, WRAP_AAD);
    const wrapped: WrappedKey = {
      v: 1,
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

/** Decrypts the chain key; INTEGRITY_VIOLATION when the stored form was damaged or replaced. */
export async function unwrapAuditChainKey(masterKey: Uint8Array, stored: string): Promise<Uint8Array> {
  let wrapped: WrappedKey;
  try {
    wrapped = JSON.parse(stored) as WrappedKey;
  } catch (error) {
    throw damaged(error);
  }
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
      WRAP_AAD,
    );
  } catch (error) {
    throw damaged(error);
  } finally {
    wipe(wrappingKey);
  }
}

function damaged(cause: unknown): IronSecretsError {
  return new IronSecretsError(
    'INTEGRITY_VIOLATION',
    'the audit-chain key stored in the database cannot be opened with this master key although the master-key fingerprint matches: the database was tampered with; restore it from a backup',
    { cause },
  );
}
