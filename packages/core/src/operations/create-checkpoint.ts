/**
 * @module create-checkpoint
 * `iron-secrets audit checkpoint`: a signed statement of the audit chain's head (checkpoint.ts),
 * for a store the database's owner cannot rewrite. The checkpoint is also remembered in the
 * sealed history, so that a prune that removes its entry keeps its digest in the anchor.
 */
import { Operation } from '@iron/secrets-rbac';
import { IronSecretsError } from '../errors.js';
import { readHead, readHistory, writeHistory } from '../lib/audit-seal.js';
import {
  newSigningKey,
  openSigningKey,
  SIGNING_KEY_SETTING,
  type SigningKey,
  wipeSigningKey,
} from '../lib/audit-signing-key.js';
import { authorizeOrThrow } from '../lib/audit-trail.js';
import { type Checkpoint, isoSeconds, signCheckpoint, signingKeyId } from '../lib/checkpoint.js';
import type { ManagerContext } from '../lib/context.js';
import { assertCurrentMasterKey } from '../lib/master-key-binding.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** Checkpoints remembered for prunes; older ones are dropped (their entries are long verified). */
const MAX_REMEMBERED = 10_000;

export async function createCheckpoint(
  context: ManagerContext,
  options: { requester?: RequesterInput | undefined } = {},
): Promise<Checkpoint> {
  const requester = toRequester(options.requester);
  // It reveals only the chain's head, which every auditor may read.
  authorizeOrThrow(requester, Operation.ReadAudit);
  for (let attempt = 1; ; attempt += 1) {
    const checkpoint = await signHead(context);
    if (checkpoint !== RACED) return checkpoint;
    // Another instance created the first signing key meanwhile (instances started together each
    // take a checkpoint at start): sign with that one.
    if (attempt === MAX_ATTEMPTS) {
      throw new IronSecretsError('CONCURRENT_MODIFICATION', 'the signing key changed meanwhile; try again');
    }
  }
}

/** Attempts of {@link createCheckpoint} when the signing key changes under it. */
const MAX_ATTEMPTS = 3;
const RACED = Symbol('raced');

/** Signs the head with the stored signing key (creating the first); RACED when that key changed meanwhile. */
async function signHead(context: ManagerContext): Promise<Checkpoint | typeof RACED> {
  // The Argon2id derivations happen before the write transaction.
  const stored = await context.storage.transaction(
    async (tx) => {
      // After a rotation by another process the stored key is wrapped under the new master key:
      // MASTER_KEY_MISMATCH, not a signing key that "cannot be opened".
      await assertCurrentMasterKey(context, tx);
      return tx.meta.get(SIGNING_KEY_SETTING);
    },
    { readOnly: true },
  );
  const fresh = stored === undefined ? await newSigningKey(context.cipher) : undefined;
  let key: SigningKey | undefined;
  try {
    key = fresh ?? (await openStoredSigningKey(context, stored!));
    const signer = key;
    return await context.storage.transaction(async (tx) => {
      await assertCurrentMasterKey(context, tx);
      if ((await tx.meta.get(SIGNING_KEY_SETTING)) !== stored) return RACED;
      const head = await readHead(tx, context.auditChainKey);
      const history = await readHistory(tx, context.auditChainKey);
      const signingKeys = fresh
        ? [
            ...history.signingKeys,
            {
              keyId: signingKeyId(fresh.publicKey),
              publicKey: fresh.publicKey,
              since: 0,
              until: null,
              handover: null,
            },
          ]
        : history.signingKeys;
      if (fresh) await tx.meta.set(SIGNING_KEY_SETTING, fresh.wrapped);
      await writeHistory(tx, context.auditChainKey, {
        ...history,
        checkpoints: [...history.checkpoints, { lastId: head.lastId, digest: head.digest }].slice(
          -MAX_REMEMBERED,
        ),
        signingKeys,
      });
      return signCheckpoint(signer.privateKey, {
        kind: 'checkpoint',
        entries: head.count,
        lastId: head.lastId,
        headHash: head.hash,
        headDigest: head.digest,
        time: isoSeconds(context.now()),
        publicKey: signer.publicKey,
        nextPublicKey: null,
      });
    });
  } finally {
    wipeSigningKey(key);
  }
}

/** Opens the stored signing key; MASTER_KEY_MISMATCH when a rotation re-wrapped it since it was read. */
async function openStoredSigningKey(context: ManagerContext, stored: string): Promise<SigningKey> {
  try {
    return await openSigningKey(context.cipher, stored);
  } catch (error) {
    await context.storage.transaction((tx) => assertCurrentMasterKey(context, tx), { readOnly: true });
    throw error;
  }
}
