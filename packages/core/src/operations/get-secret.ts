/**
 * @module get-secret
 * FR-5.2: check access, decrypt, audit; the full value for admins and agents, the masked value
 * for viewers (FR-6.3). `readSecret` hands out the same read with the secret's metadata (expiry,
 * rotation status), so that a reader can say when what it serves has expired.
 */
import { AuditOperation, Disclosure } from '@iron/secrets-audit';
import { Operation, readOperation } from '@iron/secrets-rbac';
import { IronSecretsError } from '../errors.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { describeSecret } from '../lib/describe-secret.js';
import { explainDecryptionFailure } from '../lib/master-key-binding.js';
import { resolveSecret } from '../lib/resolve-secret.js';
import { assertOptionalEnvironment, assertSecretName } from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';
import type { SecretMetadata } from '../secret-metadata.js';

/** Options of `getSecret`. */
export interface GetSecretOptions {
  /** Where to look; omitted, the name is resolved across environments (R1). */
  readonly environment?: string | undefined;
  /**
   * `true`: the masked value, whoever asks. `false`: the full value or ACCESS_DENIED (a viewer).
   * Omitted: what the role gets (masked for viewers, full for admins and agents).
   */
  readonly masked?: boolean | undefined;
}

export async function getSecret(
  context: ManagerContext,
  name: string,
  requesterInput: RequesterInput | undefined,
  options: GetSecretOptions = {},
): Promise<string> {
  const secret = await readSecret(context, name, requesterInput, options);
  return secret.value ?? secret.valueMasked;
}

/**
 * The read of `getSecret`, audited the same way, as a {@link SecretMetadata}: `value` where the
 * full value is handed out, `valueMasked` always, and the expiry and rotation status.
 */
export async function readSecret(
  context: ManagerContext,
  name: string,
  requesterInput: RequesterInput | undefined,
  options: GetSecretOptions = {},
): Promise<SecretMetadata> {
  const requester = toRequester(requesterInput);
  assertSecretName(name);
  const { environment } = options;
  assertOptionalEnvironment(environment);
  const operation = readOperation(requester.role, { masked: options.masked });
  const facts: AuditFacts = {
    requester,
    operation: AuditOperation.Read,
    secretName: name,
    environment: environment ?? null,
    disclosure: operation === Operation.ReadMasked ? Disclosure.Masked : Disclosure.Value,
  };

  await authorizeOrRefuse(context, facts, operation, { environment, name });
  const found = await context.storage.transaction((tx) => resolveSecret(tx, requester, name, environment), {
    readOnly: true,
  });
  if ('error' in found) return refuse(context, facts, found.error);
  const { row } = found;
  const located: AuditFacts = { ...facts, environment: row.environment, secretVersion: row.version };

  let value: string;
  try {
    value = await context.cipher.open(row);
  } catch (error) {
    if (error instanceof IronSecretsError)
      return refuse(context, located, await explainDecryptionFailure(context, error));
    throw error;
  }
  // The value is handed out only once its READ entry is committed: no read without its entry.
  await context.storage.transaction((tx) => appendAudit(context, tx, [auditRecord(context, located)]));
  return describeSecret(row, value, operation !== Operation.ReadMasked, context.now());
}
