/**
 * @module audit-signing-key
 * The Ed25519 key that signs audit checkpoints. Its private half is stored only wrapped under the
 * master key (key-wrap.ts); its public half, with the entries each key signed, is in the sealed
 * audit history. Created at the first checkpoint; a master-key rotation replaces it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { wipe } from '@iron/secrets-crypto';
import { IronSecretsError } from '../errors.js';
import type { SecretCipher } from './secret-cipher.js';

/** The settings row holding the wrapped private key of the current signing key. */
export const SIGNING_KEY_SETTING = 'audit_signing_key';
const LABEL = 'iron-secrets/audit-signing-key/v1';

/** A signing key in memory: the private half (PKCS#8 DER; wipe it after use) and the public one. */
export interface SigningKey {
  readonly privateKey: Uint8Array;
  /** SPKI DER, base64. */
  readonly publicKey: string;
}

/** A new key pair, with the private half wrapped for the settings table under `cipher`'s master key. */
export async function newSigningKey(cipher: SecretCipher): Promise<SigningKey & { wrapped: string }> {
  const pair = generateKeyPairSync('ed25519');
  const privateKey = new Uint8Array(pair.privateKey.export({ format: 'der', type: 'pkcs8' }));
  const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  // The wrapped form carries the public half too, so that it cannot be paired with another.
  const wrapped = JSON.stringify({
    publicKey,
    key: await cipher.wrapKey(privateKey, `${LABEL}\n${publicKey}`),
  });
  return { privateKey, publicKey, wrapped };
}

/** Opens the stored signing key; INTEGRITY_VIOLATION when it does not open under this master key. */
export async function openSigningKey(cipher: SecretCipher, stored: string): Promise<SigningKey> {
  try {
    const { publicKey, key } = JSON.parse(stored) as { publicKey: string; key: string };
    return { publicKey, privateKey: await cipher.unwrapKey(key, `${LABEL}\n${publicKey}`) };
  } catch (cause) {
    throw new IronSecretsError(
      'INTEGRITY_VIOLATION',
      'the checkpoint signing key stored in the database cannot be opened with this master key: the database was tampered with; restore it from a backup',
      { cause },
    );
  }
}

/** Wipes a signing key's private half. */
export function wipeSigningKey(key: SigningKey | undefined): void {
  if (key) wipe(key.privateKey);
}
