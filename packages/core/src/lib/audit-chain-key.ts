/**
 * @module audit-chain-key
 * The key of the audit hash chain: random, stored in the database only wrapped (encrypted) under
 * the master key. Someone with the database file but not the master key can neither read it nor
 * re-hash an edited history. It also MACs the token rows and the audit seals (audit-seal.ts), so
 * a master-key rotation replaces it (NIST SP 800-57: every key the old key protected is replaced).
 *
 * Version 2 of the wrapped form marks a sealed installation: its audit trail has a head record
 * (audit-seal.ts), so a missing one is tampering, not an older version. The version is bound into
 * the AAD, so it cannot be edited back to 1 without the master key.
 */

import { randomBytes } from 'node:crypto';
import { AUDIT_CHAIN_KEY_BYTES } from '@iron/secrets-audit';
import { IronSecretsError } from '../errors.js';
import { unwrapKey, wrapKey, wrappedVersion } from './key-wrap.js';

/** The settings row holding the wrapped key. */
export const AUDIT_CHAIN_KEY_SETTING = 'audit_chain_key';

/** Wrapped forms written from 0.3 on: the installation's audit trail is sealed. */
export const SEALED_CHAIN_KEY_VERSION = 2;

const label = (version: number) => `iron-secrets/audit-chain-key/v${version}`;

/** A new random chain key, and its wrapped form for the settings table. */
export async function newAuditChainKey(masterKey: Uint8Array): Promise<{ key: Uint8Array; wrapped: string }> {
  const key = randomBytes(AUDIT_CHAIN_KEY_BYTES);
  return { key, wrapped: await wrapAuditChainKey(masterKey, key) };
}

/** Encrypts the chain key under a key derived from the master key (always the sealed version). */
export function wrapAuditChainKey(masterKey: Uint8Array, chainKey: Uint8Array): Promise<string> {
  return wrapKey(masterKey, chainKey, label(SEALED_CHAIN_KEY_VERSION), SEALED_CHAIN_KEY_VERSION);
}

/**
 * Decrypts the chain key, with the version of its wrapped form; INTEGRITY_VIOLATION when the
 * stored form was damaged or replaced.
 */
export async function unwrapAuditChainKey(
  masterKey: Uint8Array,
  stored: string,
): Promise<{ key: Uint8Array; version: number }> {
  const version = wrappedVersion(stored);
  if (version !== 1 && version !== SEALED_CHAIN_KEY_VERSION) throw damaged(undefined);
  try {
    return { key: await unwrapKey(masterKey, stored, label(version)), version };
  } catch (error) {
    throw damaged(error);
  }
}

function damaged(cause: unknown): IronSecretsError {
  return new IronSecretsError(
    'INTEGRITY_VIOLATION',
    'the audit-chain key stored in the database cannot be opened with this master key although the master-key fingerprint matches: the database was tampered with; restore it from a backup',
    { cause },
  );
}
