/**
 * @module update-secret
 * FR-5.3: encrypt the new value and replace the old one atomically, with its audit entry. This is
 * a rotation (R8): the change feed tells running agents.
 *
 * Without a new value it changes only the expiry or rotation interval. Those are bound to the
 * ciphertext (they are part of its associated data, so that an expired secret cannot be made to
 * look valid behind our back), so the current value is opened and sealed again under the new
 * settings: a new version, audited as an UPDATE, with the value and `updatedAt` (the value's age,
 * which the rotation interval counts from) unchanged.
 */
import { AuditOperation } from '@iron/secrets-audit';
import { Operation } from '@iron/secrets-rbac';
import { IronSecretsError } from '../errors.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { describeSecret } from '../lib/describe-secret.js';
import { assertCurrentMasterKey, explainDecryptionFailure } from '../lib/master-key-binding.js';
import { resolveSecret } from '../lib/resolve-secret.js';
import { definedRotation, type RotationOptions, toStoredRotation } from '../lib/rotation-options.js';
import { CURRENT_KDF, fieldsAfterUpdate, saltFor } from '../lib/secret-cipher.js';
import {
  assertOptionalEnvironment,
  assertSecretName,
  assertSecretValue,
  assertUnreservedName,
} from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';
import type { SecretMetadata } from '../secret-metadata.js';

/** Options of `updateSecret`. */
export interface UpdateSecretOptions extends RotationOptions {
  /** Where the secret is; omitted, the name is resolved across environments (R1). */
  readonly environment?: string | undefined;
  /** Who updates it; omitted, the call acts as admin (R7). */
  readonly requester?: RequesterInput | undefined;
}

/** Updates racing on one secret are retried this often before giving up. */
const MAX_ATTEMPTS = 5;

/**
 * Replaces the value of `name` (and the settings given), or with `newValue` undefined only the
 * settings given. Returns the secret as it now is, without its value (the masked value only).
 */
export async function updateSecret(
  context: ManagerContext,
  name: string,
  newValue: string | undefined,
  options: UpdateSecretOptions = {},
): Promise<SecretMetadata> {
  const requester = toRequester(options.requester);
  assertSecretName(name);
  assertUnreservedName(name);
  const { environment } = options;
  assertOptionalEnvironment(environment);
  if (newValue !== undefined) assertSecretValue(newValue, context.maxValueBytes);
  const rotation = toStoredRotation(options, context.now());
  const settings = definedRotation(rotation);
  if (newValue === undefined && Object.keys(settings).length === 0) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      'nothing to update: give a new value, an expiry (expiresAt) or a rotation interval (rotateEverySeconds)',
    );
  }
  const facts: AuditFacts = {
    requester,
    operation: AuditOperation.Update,
    secretName: name,
    environment: environment ?? null,
  };

  await authorizeOrRefuse(context, facts, Operation.Update, { environment, name });

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const found = await context.storage.transaction((tx) => resolveSecret(tx, requester, name, environment), {
      readOnly: true,
    });
    if ('error' in found) return refuse(context, facts, found.error);
    const { row } = found;
    const located: AuditFacts = { ...facts, environment: row.environment };
    // Settings only: the value as it is now, opened from this very version (a racing update
    // changes the version, so this attempt fails below and the next one opens the newer value).
    let value = newValue;
    if (value === undefined) {
      try {
        value = await context.cipher.open(row);
      } catch (error) {
        if (error instanceof IronSecretsError)
          return refuse(context, located, await explainDecryptionFailure(context, error));
        throw error;
      }
    }
    const salt = saltFor(row);
    const now = context.now();
    const changes = { updatedAt: newValue === undefined ? row.updatedAt : now, ...settings };
    const sealed = await context.cipher.seal(value, fieldsAfterUpdate(row, changes), salt, CURRENT_KDF);
    const updated = await context.storage.transaction(async (tx) => {
      await assertCurrentMasterKey(context, tx);
      const update = { ...sealed, salt, kdf: CURRENT_KDF, ...changes };
      if (!(await tx.secrets.update(row.id, row.version, update))) return false;
      await tx.changes.record({ kind: 'updated', name, environment: row.environment, changedAt: now });
      await appendAudit(context, tx, [auditRecord(context, { ...located, secretVersion: row.version + 1 })]);
      return true;
    });
    if (updated) {
      const after = { ...row, ...changes, version: row.version + 1 };
      return describeSecret(after, value, false, now);
    }
  }
  return refuse(
    context,
    facts,
    new IronSecretsError(
      'CONCURRENT_MODIFICATION',
      `secret '${name}' kept changing while it was being updated (${MAX_ATTEMPTS} attempts); try again`,
    ),
  );
}
