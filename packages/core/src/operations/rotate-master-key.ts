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
 * - Every key the old master key protected is replaced (NIST SP 800-57 compromise recovery), so
 *   whoever holds the old key and an old backup can forge nothing in the rotated database: a new
 *   audit-chain key (a token row or audit seal keyed with the old one no longer verifies), every
 *   token row that verified under the old chain key re-MACed under the new one, and a new
 *   checkpoint signing key, named by a handover checkpoint the old key signs.
 * - The entries keyed under the old chain key stay as they are: the chain's head at the rotation
 *   is anchored under the new key (a rotation anchor), and their public digests still link them,
 *   so the whole history still verifies.
 * - Each secret gets a fresh salt; its values, names, times and rotation settings are unchanged,
 *   so no change event is sent: agents have nothing to reload.
 */
import { cpus } from 'node:os';
import { AuditOperation } from '@iron/secrets-audit';
import { masterKeyFingerprint, randomSalt, wipe } from '@iron/secrets-crypto';
import { Operation } from '@iron/secrets-rbac';
import type { SecretRow, SecretUpdate, Transaction } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { tokenMac, tokenRowIntact } from '../lib/access-token.js';
import { AUDIT_CHAIN_KEY_SETTING, newAuditChainKey } from '../lib/audit-chain-key.js';
import { type AuditHistory, readHead, readHistory, writeHead, writeHistory } from '../lib/audit-seal.js';
import {
  newSigningKey,
  openSigningKey,
  SIGNING_KEY_SETTING,
  type SigningKey,
  wipeSigningKey,
} from '../lib/audit-signing-key.js';
import { MASTER_KEY_SUBJECT } from '../lib/audit-subjects.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from '../lib/audit-trail.js';
import { isoSeconds, signCheckpoint, signingKeyId } from '../lib/checkpoint.js';
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
  // Made before the write transaction (each is an Argon2id derivation); wiped unless committed.
  let chainKey: Uint8Array | undefined;
  let signing: SigningHandover | undefined;
  let committed = false;
  try {
    const chain = await newAuditChainKey(newMasterKey);
    chainKey = chain.key;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      // Read again at every attempt: a first checkpoint taken meanwhile created a signing key,
      // wrapped under the old master key, that this rotation must hand over too.
      const storedSigningKey = await context.storage.transaction((tx) => tx.meta.get(SIGNING_KEY_SETTING), {
        readOnly: true,
      });
      if (signing === undefined || signing.stored !== storedSigningKey) {
        wipeSigningKey(signing?.old);
        wipeSigningKey(signing?.next);
        signing = undefined;
        signing = await nextSigningKey(context, cipher, storedSigningKey);
      }
      const handover = signing;
      const rows = await context.storage.transaction((tx) => tx.secrets.listAll(), { readOnly: true });
      let updates: SecretUpdate[];
      try {
        updates = await reencryptAll(context, cipher, rows, options.onProgress);
      } catch (error) {
        if (error instanceof IronSecretsError)
          return refuse(context, facts, await explainDecryptionFailure(context, error));
        throw error;
      }
      const next: ManagerContext = { ...context, cipher, fingerprint, auditChainKey: chain.key };
      try {
        await exclusive(async () => {
          await context.storage.transaction(async (tx) => {
            await assertCurrentMasterKey(context, tx);
            if ((await tx.meta.get(SIGNING_KEY_SETTING)) !== handover.stored) throw new Raced();
            const current = await tx.secrets.listAll();
            if (!sameRows(rows, current)) throw new Raced();
            for (const [index, row] of rows.entries()) {
              if (!(await tx.secrets.update(row.id, row.version, updates[index]!))) throw new Raced();
            }
            await rekeyTrail(context, next, tx, handover);
            await tx.meta.set(FINGERPRINT_SETTING, fingerprint, { replace: true });
            await tx.meta.set(AUDIT_CHAIN_KEY_SETTING, chain.wrapped, { replace: true });
            // The first entry keyed with the new chain key, after the rotation anchor.
            await appendAudit(next, tx, [auditRecord(next, facts)]);
          });
          committed = true;
          return next;
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
  } finally {
    if (!committed) wipe(chainKey);
    wipeSigningKey(signing?.old);
    wipeSigningKey(signing?.next);
  }
}

/**
 * Inside the rotation's transaction: moves everything keyed with the old chain key to the new one.
 * The head and history must verify under the old key first: re-keying a forged record would make
 * it genuine. Token rows that do not verify under the old key keep their MAC, and so stay refused.
 */
async function rekeyTrail(
  context: ManagerContext,
  next: ManagerContext,
  tx: Transaction,
  signing: SigningHandover,
): Promise<void> {
  const head = await readHead(tx, context.auditChainKey);
  const history = await readHistory(tx, context.auditChainKey);
  for (const row of await tx.tokens.list()) {
    if (tokenRowIntact(context.auditChainKey, row))
      await tx.tokens.setMac(row.id, tokenMac(next.auditChainKey, row));
  }
  let signingKeys = history.signingKeys;
  const { old, next: successor } = signing;
  if (old && successor) {
    const handover = signCheckpoint(old.privateKey, {
      kind: 'handover',
      entries: head.count,
      lastId: head.lastId,
      headHash: head.hash,
      headDigest: head.digest,
      time: isoSeconds(context.now()),
      publicKey: old.publicKey,
      nextPublicKey: successor.publicKey,
    });
    signingKeys = [
      ...history.signingKeys.map((key) => (key.until === null ? { ...key, until: head.lastId } : key)),
      {
        keyId: signingKeyId(successor.publicKey),
        publicKey: successor.publicKey,
        since: head.lastId,
        until: null,
        handover,
      },
    ];
    await tx.meta.set(SIGNING_KEY_SETTING, successor.wrapped, { replace: true });
  }
  const rekeyed: AuditHistory = {
    ...history,
    rotations: [
      ...history.rotations,
      { throughId: head.lastId, hash: head.hash, digest: head.digest, at: context.now() },
    ],
    signingKeys,
  };
  await writeHistory(tx, next.auditChainKey, rekeyed);
  await writeHead(tx, next.auditChainKey, head);
}

/**
 * The signing key a rotation hands over: the stored row it was read from (the transaction checks
 * it is still the one), and when checkpoints were signed, the old key (opened) and its successor
 * (wrapped under the new master key).
 */
interface SigningHandover {
  readonly stored: string | undefined;
  readonly old?: SigningKey | undefined;
  readonly next?: (SigningKey & { wrapped: string }) | undefined;
}

async function nextSigningKey(
  context: ManagerContext,
  cipher: ManagerContext['cipher'],
  stored: string | undefined,
): Promise<SigningHandover> {
  if (stored === undefined) return { stored };
  const old = await openSigningKey(context.cipher, stored);
  try {
    return { stored, old, next: await newSigningKey(cipher) };
  } catch (error) {
    wipeSigningKey(old);
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
