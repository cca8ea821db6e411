/**
 * @module master-key-binding
 * Which master key a database belongs to (R6): its fingerprint is recorded at first use and
 * checked at every open, and again inside every transaction that encrypts, so that a process
 * still holding a key that was rotated away can never write under it.
 */
import { fingerprintsEqual, masterKeyFingerprint, wipe } from '@iron/secrets-crypto';
import type { Storage, Transaction } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import {
  AUDIT_CHAIN_KEY_SETTING,
  newAuditChainKey,
  SEALED_CHAIN_KEY_VERSION,
  unwrapAuditChainKey,
  wrapAuditChainKey,
} from './audit-chain-key.js';
import { EMPTY_HEAD, EMPTY_HISTORY, writeHead, writeHistory } from './audit-seal.js';
import type { ManagerContext } from './context.js';
import { sealLegacyTrail } from './seal-legacy-trail.js';

/** The settings row holding the master key's fingerprint (never the key; R6). */
export const FINGERPRINT_SETTING = 'master_key_fingerprint';

/**
 * Ties the database to the master key on first use, and checks it on every later one (R6).
 * Returns the audit-chain key, the fingerprint, and whether this call did the binding (first use). The slow key derivations happen outside the write transaction.
 */
export async function bindMasterKey(
  storage: Storage,
  masterKey: Uint8Array,
): Promise<{ auditChainKey: Uint8Array; fingerprint: string; boundNow: boolean }> {
  const fingerprint = masterKeyFingerprint(masterKey);
  const read = () =>
    storage.transaction(
      async (tx) => ({
        fingerprint: await tx.meta.get(FINGERPRINT_SETTING),
        wrappedKey: await tx.meta.get(AUDIT_CHAIN_KEY_SETTING),
      }),
      { readOnly: true },
    );
  let stored = await read();
  if (stored.fingerprint === undefined) {
    // Counted only here, not on every open: counting a long audit log is a full scan.
    const inUse = await storage.transaction(
      async (tx) => (await tx.secrets.count()) > 0 || (await tx.audit.count()) > 0,
      { readOnly: true },
    );
    if (inUse) {
      throw new IronSecretsError(
        'INTEGRITY_VIOLATION',
        'the database holds secrets but no master-key fingerprint: its settings were tampered with; restore it from a backup',
      );
    }
    const fresh = await newAuditChainKey(masterKey);
    const won = await storage.transaction(async (tx) => {
      if ((await tx.meta.get(FINGERPRINT_SETTING)) !== undefined) return false; // another process was first
      await tx.meta.set(FINGERPRINT_SETTING, fingerprint);
      await tx.meta.set(AUDIT_CHAIN_KEY_SETTING, fresh.wrapped);
      await writeHead(tx, fresh.key, EMPTY_HEAD);
      await writeHistory(tx, fresh.key, EMPTY_HISTORY);
      return true;
    });
    if (won) return { auditChainKey: fresh.key, fingerprint, boundNow: true };
    wipe(fresh.key);
    stored = await read();
  }
  if (!fingerprintsEqual(stored.fingerprint!, fingerprint)) throw mismatch();
  if (stored.wrappedKey === undefined) {
    throw new IronSecretsError(
      'INTEGRITY_VIOLATION',
      'the database has no audit-chain key although it has a master-key fingerprint: its settings were tampered with',
    );
  }
  const { key, version } = await unwrapAuditChainKey(masterKey, stored.wrappedKey);
  if (version !== SEALED_CHAIN_KEY_VERSION) {
    try {
      await sealTrail(storage, masterKey, key, stored.wrappedKey);
    } catch (error) {
      wipe(key);
      throw error;
    }
  }
  return { auditChainKey: key, fingerprint, boundNow: false };
}

/**
 * A database from before 0.3: its trail gets its head and history, and the chain key its sealed
 * wrapping, in one transaction (so that from then on a missing head is tampering, not age).
 * Another process doing the same at the same time: the first wins, the second finds it done.
 */
async function sealTrail(storage: Storage, masterKey: Uint8Array, chainKey: Uint8Array, wrapped: string) {
  const rewrapped = await wrapAuditChainKey(masterKey, chainKey);
  await storage.transaction(async (tx) => {
    if ((await tx.meta.get(AUDIT_CHAIN_KEY_SETTING)) !== wrapped) return;
    await sealLegacyTrail(tx, chainKey);
    await tx.meta.set(AUDIT_CHAIN_KEY_SETTING, rewrapped, { replace: true });
  });
}

/**
 * Inside a transaction: MASTER_KEY_MISMATCH unless the database still belongs to this manager's
 * master key. Every transaction that writes ciphertext calls it, so that after a master-key
 * rotation by another process nothing is ever written under the old key. One indexed read.
 */
export async function assertCurrentMasterKey(context: ManagerContext, tx: Transaction): Promise<void> {
  const stored = await tx.meta.get(FINGERPRINT_SETTING);
  if (stored === undefined || !fingerprintsEqual(stored, context.fingerprint)) throw mismatch();
}

/**
 * A decryption failure explained: MASTER_KEY_MISMATCH when the master key was rotated by another
 * process since this one opened the database (every row was re-encrypted), else the error as is.
 */
export async function explainDecryptionFailure(
  context: ManagerContext,
  error: IronSecretsError,
): Promise<IronSecretsError> {
  if (error.code !== 'DECRYPTION_FAILED') return error;
  const rotated = await context.storage
    .transaction((tx) => assertCurrentMasterKey(context, tx), { readOnly: true })
    .then(
      () => false,
      () => true,
    );
  return rotated ? mismatch() : error;
}

function mismatch(): IronSecretsError {
  return new IronSecretsError(
    'MASTER_KEY_MISMATCH',
    'this database belongs to a different master key (it was initialised or rotated with another one); set IRON_CAGE_MASTER_KEY to its current key',
  );
}
