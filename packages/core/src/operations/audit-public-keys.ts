/**
 * @module audit-public-keys
 * `iron-secrets audit public-key`: every checkpoint signing key this installation has had, with
 * the entries each signed and the handover that introduced it, for a verifier outside.
 */
import { Operation } from '@iron/secrets-rbac';
import { readHistory } from '../lib/audit-seal.js';
import { authorizeOrThrow } from '../lib/audit-trail.js';
import { type Checkpoint, publicKeyPem } from '../lib/checkpoint.js';
import type { ManagerContext } from '../lib/context.js';
import { assertCurrentMasterKey } from '../lib/master-key-binding.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** A checkpoint signing key, public half. */
export interface AuditPublicKey {
  readonly keyId: string;
  /** Ed25519, SPKI DER, base64 (as in checkpoints). */
  readonly publicKey: string;
  /** The same key as PEM, for `openssl`. */
  readonly pem: string;
  /** It signs checkpoints of entries after this id... */
  readonly since: number;
  /** ...up to this one, when a rotation retired it; null for the current key. */
  readonly until: number | null;
  /** The checkpoint, signed by the key before it, that names it (null for the first). */
  readonly handover: Checkpoint | null;
}

export async function auditPublicKeys(
  context: ManagerContext,
  options: { requester?: RequesterInput | undefined } = {},
): Promise<AuditPublicKey[]> {
  authorizeOrThrow(toRequester(options.requester), Operation.ReadAudit);
  const history = await context.storage.transaction(
    async (tx) => {
      // After a rotation by another process: MASTER_KEY_MISMATCH, not a history "written without the key".
      await assertCurrentMasterKey(context, tx);
      return readHistory(tx, context.auditChainKey);
    },
    { readOnly: true },
  );
  return history.signingKeys.map((key) => ({ ...key, pem: publicKeyPem(key.publicKey) }));
}
