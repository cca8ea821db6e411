/**
 * @module delete-secret
 * FR-5.4: delete the row and audit it, in one transaction. Irreversible.
 */
import { AuditOperation } from '@iron/secrets-audit';
import { Operation } from '@iron/secrets-rbac';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { resolveSecret } from '../lib/resolve-secret.js';
import { assertOptionalEnvironment, assertSecretName } from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** Options of `deleteSecret`. */
export interface DeleteSecretOptions {
  /** Where the secret is; omitted, the name is resolved across environments (R1). */
  readonly environment?: string | undefined;
  /** Who deletes it; omitted, the call acts as admin (R7). */
  readonly requester?: RequesterInput | undefined;
}

export async function deleteSecret(
  context: ManagerContext,
  name: string,
  options: DeleteSecretOptions = {},
): Promise<void> {
  const requester = toRequester(options.requester);
  assertSecretName(name);
  const { environment } = options;
  assertOptionalEnvironment(environment);
  const facts: AuditFacts = {
    requester,
    operation: AuditOperation.Delete,
    secretName: name,
    environment: environment ?? null,
  };

  await authorizeOrRefuse(context, facts, Operation.Delete, { environment, name });
  // No key derivation is needed, so the lookup and the delete share one transaction.
  const failure = await context.storage.transaction(async (tx) => {
    const found = await resolveSecret(tx, requester, name, environment);
    if ('error' in found) return found.error;
    const { row } = found;
    await tx.secrets.delete(row.id);
    const now = context.now();
    await tx.changes.record({ kind: 'deleted', name, environment: row.environment, changedAt: now });
    await appendAudit(context, tx, [
      auditRecord(context, { ...facts, environment: row.environment, secretVersion: row.version }),
    ]);
    return undefined;
  });
  if (failure) return refuse(context, facts, failure);
}
