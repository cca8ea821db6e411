/**
 * @module list-secrets
 * FR-5.5 and FR-9.3: every secret of one environment that the requester may reach, masked, with
 * full values where FR-6.3 grants them. Each secret handed out is audited as a READ.
 */
import { AuditOperation, Disclosure, NO_SECRET_NAME } from '@iron/secrets-audit';
import { listOperation, Operation } from '@iron/secrets-rbac';
import { IronSecretsError } from '../errors.js';
import type { AuditFacts } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { describeSecret } from '../lib/describe-secret.js';
import { readListing } from '../lib/read-listing.js';
import { assertEnvironment } from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';
import type { SecretMetadata } from '../secret-metadata.js';

/** Options of `listSecrets`. */
export interface ListSecretsOptions {
  /** An admin asking for full values; a viewer asking is refused (FR-6.3). Agents always get them. */
  readonly reveal?: boolean | undefined;
  /** Masked values only, whoever asks. An agent asking is refused (FR-6.3: agents get full values). */
  readonly masked?: boolean | undefined;
}

export async function listSecrets(
  context: ManagerContext,
  requesterInput: RequesterInput | undefined,
  environment: string,
  options: ListSecretsOptions = {},
): Promise<SecretMetadata[]> {
  const requester = toRequester(requesterInput);
  assertEnvironment(environment);
  if (options.reveal === true && options.masked === true) {
    throw new IronSecretsError('INVALID_ARGUMENT', 'ask for reveal or for masked values, not both');
  }
  const operation = listOperation(requester.role, { reveal: options.reveal, masked: options.masked });
  const facts: AuditFacts = {
    requester,
    operation: AuditOperation.Read,
    secretName: NO_SECRET_NAME,
    environment,
    // A listing is not a read of every plaintext: the entry says which it handed out.
    disclosure: operation === Operation.List ? Disclosure.Value : Disclosure.Masked,
  };

  const { rows, values } = await readListing(context, facts, operation, environment);
  const now = context.now();
  const full = operation === Operation.List;
  return rows.map((row, index) => describeSecret(row, values[index]!, full, now));
}
