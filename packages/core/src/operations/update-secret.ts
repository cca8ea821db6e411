/**
 * @module update-secret
 * FR-5.3: encrypt the new value and replace the old one atomically, with its audit entry. This is
 * a rotation (R8): the change feed tells running agents.
 */
import { AuditOperation } from '@iron/secrets-audit';
import { Operation } from '@iron/secrets-rbac';
import { IronSecretsError } from '../errors.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { assertCurrentMasterKey } from '../lib/master-key-binding.js';
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

/** Options of `updateSecret`. */
export interface UpdateSecretOptions extends RotationOptions {
  /** Where the secret is; omitted, the name is resolved across environments (R1). */
  readonly environment?: string | undefined;
  /** Who updates it; omitted, the call acts as admin (R7). */
  readonly requester?: RequesterInput | undefined;
}

/** Updates racing on one secret are retried this often before giving up. */
const MAX_ATTEMPTS = 5;

export async function updateSecret(
  context: ManagerContext,
  name: string,
  newValue: string,
  options: UpdateSecretOptions = {},
): Promise<void> {
  const requester = toRequester(options.requester);
  assertSecretName(name);
  assertUnreservedName(name);
  const { environment } = options;
  assertOptionalEnvironment(environment);
  assertSecretValue(newValue, context.maxValueBytes);
  const rotation = toStoredRotation(options, context.now());
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
    const salt = saltFor(row);
    const now = context.now();
    const changes = { updatedAt: now, ...definedRotation(rotation) };
    const sealed = await context.cipher.seal(newValue, fieldsAfterUpdate(row, changes), salt, CURRENT_KDF);
    const located: AuditFacts = { ...facts, environment: row.environment };
    const updated = await context.storage.transaction(async (tx) => {
      await assertCurrentMasterKey(context, tx);
      const update = { ...sealed, salt, kdf: CURRENT_KDF, ...changes };
      if (!(await tx.secrets.update(row.id, row.version, update))) return false;
      await tx.changes.record({ kind: 'updated', name, environment: row.environment, changedAt: now });
      await appendAudit(context, tx, [auditRecord(context, { ...located, secretVersion: row.version + 1 })]);
      return true;
    });
    if (updated) return;
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
