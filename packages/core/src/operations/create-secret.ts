/**
 * @module create-secret
 * FR-5.1: encrypt a new value, store it, audit it, in one transaction. Returns the secret as
 * stored, without its value (its id, expiry, rotation interval and status).
 */
import { randomUUID } from 'node:crypto';
import { AuditOperation } from '@iron/secrets-audit';
import { randomSalt } from '@iron/secrets-crypto';
import { Operation } from '@iron/secrets-rbac';
import type { SecretRow } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { describeSecret } from '../lib/describe-secret.js';
import { assertCurrentMasterKey } from '../lib/master-key-binding.js';
import { type RotationOptions, toStoredRotation } from '../lib/rotation-options.js';
import { CURRENT_KDF, type SealedFields } from '../lib/secret-cipher.js';
import { assertEnvironment, assertSecretName, assertSecretValue, assertUnreservedName } from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';
import type { SecretMetadata } from '../secret-metadata.js';

/** Options of `createSecret`. */
export interface CreateSecretOptions extends RotationOptions {
  /** Who creates it; omitted, the call acts as admin (R7). */
  readonly requester?: RequesterInput | undefined;
}

export async function createSecret(
  context: ManagerContext,
  name: string,
  value: string,
  environment: string,
  options: CreateSecretOptions = {},
): Promise<SecretMetadata> {
  const requester = toRequester(options.requester);
  assertSecretName(name);
  assertUnreservedName(name);
  assertEnvironment(environment);
  assertSecretValue(value, context.maxValueBytes);
  const rotation = toStoredRotation(options, context.now());
  const facts: AuditFacts = { requester, operation: AuditOperation.Create, secretName: name, environment };

  await authorizeOrRefuse(context, facts, Operation.Create, { environment, name });
  const exists = () =>
    new IronSecretsError(
      'SECRET_ALREADY_EXISTS',
      `secret '${name}' already exists in ${environment}; update it instead`,
    );
  // Checked before the key derivation, which is the slow part; the insert below re-checks.
  const taken = await context.storage.transaction((tx) => tx.secrets.find(environment, name), {
    readOnly: true,
  });
  if (taken) return refuse(context, facts, exists());

  const id = randomUUID();
  const salt = randomSalt();
  const now = context.now();
  const fields: SealedFields = {
    id,
    name,
    environment,
    createdAt: now,
    updatedAt: now,
    version: 1,
    expiresAt: rotation.expiresAt ?? null,
    rotateEverySeconds: rotation.rotateEverySeconds ?? null,
  };
  const sealed = await context.cipher.seal(value, fields, salt, CURRENT_KDF);
  const row: SecretRow = { ...fields, ...sealed, salt, kdf: CURRENT_KDF };
  const inserted = await context.storage.transaction(async (tx) => {
    await assertCurrentMasterKey(context, tx);
    if ((await tx.secrets.insert(row)) === 'exists') return false;
    await tx.changes.record({ kind: 'created', name, environment, changedAt: now });
    await appendAudit(context, tx, [auditRecord(context, { ...facts, secretVersion: 1 })]);
    return true;
  });
  if (!inserted) return refuse(context, facts, exists());
  return describeSecret(row, value, false, now);
}
