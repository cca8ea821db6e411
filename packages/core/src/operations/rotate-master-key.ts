/**
 * @module rotate-master-key
 * Master-key rotation (RULINGS R8): every secret re-encrypted under a new master key, the
 * audit-chain key re-wrapped, and the database's key fingerprint replaced, in one transaction.
 *
 * Why it is safe:
 * - Decryption and encryption (two Argon2id derivations per secret) happen before the
 *   transaction, so no lock is held for seconds; the transaction then re-reads every row and
 *   writes only if none changed and none appeared or vanished meanwhile, else it starts over.
 * - The write transaction first checks that the database still belongs to the old key, so two
 *   rotations cannot interleave.
 * - The fingerprint changes in the same transaction as the ciphertexts: a process still holding
 *   the old key is refused at open, and refused inside any transaction that would encrypt
 *   (MASTER_KEY_MISMATCH), so nothing is ever written under a key the database no longer has.
 * - The audit chain keeps its key (only its wrapping changes), so the whole history still
 *   verifies after the rotation.
 * - Each secret gets a fresh salt; its values, names, times and rotation settings are unchanged,
 *   so no change event is sent: agents have nothing to reload.
 */
import { cpus } from 'node:os';
import { AuditOperation } from '@iron/secrets-audit';
import { masterKeyFingerprint, randomSalt } from '@iron/secrets-crypto';
import { Operation } from '@iron/secrets-rbac';
import type { SecretRow, SecretUpdate } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { AUDIT_CHAIN_KEY_SETTING, wrapAuditChainKey } from '../lib/audit-chain-key.js';
import { MASTER_KEY_SUBJECT } from '../lib/audit-subjects.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import {
  assertCurrentMasterKey,
  explainDecryptionFailure,
  FINGERPRINT_SETTING,
} from '../lib/master-key-binding.js';
import { CURRENT_KDF, fieldsAfterUpdate } from '../lib/secret-cipher.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** Options of `rotateMasterKey`. */
export interface RotateMasterKeyOptions {
  /** Who rotates; omitted, admin. Only an unscoped admin may. */
  readonly requester?: RequesterInput | undefined;
  /** Called after each secret is re-encrypted (before the transaction), for a progress bar. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Rotations racing with other writers start over this often before giving up. */
const MAX_ATTEMPTS = 3;

/**
 * Runs the commit (which resolves to the context to continue with) while no other operation of
 * the manager is inside, and swaps the manager to it there: see OperationGate.alone.
 */
export type CommitAlone = (commit: () => Promise<ManagerContext>) => Promise<void>;

/** Raised inside the write transaction when a row changed since it was read: roll back, retry. */
class Raced extends Error {}

/**
 * Re-encrypts everything under `newMasterKey` (which the returned context owns) and returns the
 * context to continue with; the old context's cipher must no longer be used.
 */
export async function rotateMasterKey(
  context: ManagerContext,
  newMasterKey: Uint8Array,
  options: RotateMasterKeyOptions = {},
  exclusive: CommitAlone = (commit) => commit().then(() => undefined),
): Promise<{ reencrypted: number }> {
  const requester = toRequester(options.requester);
  const facts: AuditFacts = {
    requester,
    operation: AuditOperation.Update,
    secretName: MASTER_KEY_SUBJECT,
    environment: null,
  };
  await authorizeOrRefuse(context, facts, Operation.Administer, {});
  const fingerprint = masterKeyFingerprint(newMasterKey);
  if (fingerprint === context.fingerprint) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      'the new master key is the current one; generate a new key',
    );
  }
  const cipher = context.cipher.withMasterKey(newMasterKey);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const rows = await context.storage.transaction((tx) => tx.secrets.listAll(), { readOnly: true });
      let updates: SecretUpdate[];
      try {
        updates = await reencryptAll(context, cipher, rows, options.onProgress);
      } catch (error) {
        if (error instanceof IronSecretsError)
          return refuse(context, facts, await explainDecryptionFailure(context, error));
        throw error;
      }
      const wrappedChainKey = await wrapAuditChainKey(newMasterKey, context.auditChainKey);
      try {
        await exclusive(async () => {
          await context.storage.transaction(async (tx) => {
            await assertCurrentMasterKey(context, tx);
            const current = await tx.secrets.listAll();
            if (!sameRows(rows, current)) throw new Raced();
            for (const [index, row] of rows.entries()) {
              if (!(await tx.secrets.update(row.id, row.version, updates[index]!))) throw new Raced();
            }
            await tx.meta.set(FINGERPRINT_SETTING, fingerprint, { replace: true });
            await tx.meta.set(AUDIT_CHAIN_KEY_SETTING, wrappedChainKey, { replace: true });
            await appendAudit(context, tx, [auditRecord(context, facts)]);
          });
          return { ...context, cipher, fingerprint, auditChainKey: Uint8Array.from(context.auditChainKey) };
        });
      } catch (error) {
        if (error instanceof Raced) continue;
        throw error;
      }
      return { reencrypted: rows.length };
    }
    return await refuse(
      context,
      facts,
      new IronSecretsError(
        'CONCURRENT_MODIFICATION',
        `secrets kept changing during the master-key rotation (${MAX_ATTEMPTS} attempts); nothing was changed; try again when writes are quiet`,
      ),
    );
  } catch (error) {
    cipher.close();
    throw error;
  }
}

/**
 * Opens each row under the old key and seals it under the new one with a fresh salt. Runs a few
 * at a time, enough to keep every core busy with Argon2id without holding every key at once.
 */
async function reencryptAll(
  context: ManagerContext,
  cipher: ManagerContext['cipher'],
  rows: readonly SecretRow[],
  onProgress: RotateMasterKeyOptions['onProgress'],
): Promise<SecretUpdate[]> {
  const updates: SecretUpdate[] = new Array(rows.length);
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async () => {
    while (next < rows.length && !failed) {
      const index = next++;
      const row = rows[index]!;
      const value = await context.cipher.open(row).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      const salt = randomSalt();
      // The time of the value's last change is kept: re-encryption is not a rotation of it.
      const changes = { updatedAt: row.updatedAt };
      const sealed = await cipher.seal(value, fieldsAfterUpdate(row, changes), salt, CURRENT_KDF);
      updates[index] = { ...sealed, salt, kdf: CURRENT_KDF, ...changes };
      done += 1;
      onProgress?.(done, rows.length);
    }
  };
  const concurrency = Math.max(2, 2 * cpus().length);
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return updates;
}

/** Whether the same rows, at the same versions, are still there. */
function sameRows(read: readonly SecretRow[], current: readonly SecretRow[]): boolean {
  if (read.length !== current.length) return false;
  const versions = new Map(current.map((row) => [row.id, row.version]));
  return read.every((row) => versions.get(row.id) === row.version);
}
