/**
 * @module list-secret-names
 * A names-only listing (issue 15): the secrets of one environment the requester may reach, with
 * their expiry and rotation, and no value in any form, not even masked. For agents and tools
 * that must know what exists without seeing it. Each row is still opened, as proof that it is
 * genuine (name, environment and settings are bound to the ciphertext), and the values dropped;
 * each secret is audited as a READ that handed out `none`.
 */
import { AuditOperation, Disclosure, NO_SECRET_NAME } from '@iron/secrets-audit';
import { listOperation } from '@iron/secrets-rbac';
import type { AuditFacts } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { describeSecretName, type SecretNameListing } from '../lib/describe-secret.js';
import { readListing } from '../lib/read-listing.js';
import { assertEnvironment } from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

export type { SecretNameListing };

export async function listSecretNames(
  context: ManagerContext,
  requesterInput: RequesterInput | undefined,
  environment: string,
): Promise<SecretNameListing[]> {
  const requester = toRequester(requesterInput);
  assertEnvironment(environment);
  const facts: AuditFacts = {
    requester,
    operation: AuditOperation.Read,
    secretName: NO_SECRET_NAME,
    environment,
    disclosure: Disclosure.None,
  };
  // It hands out less than any listing the role may make, so it is allowed wherever the role's
  // own listing is (an agent's full one, a viewer's or an admin's masked one), in the same scope.
  // The rows are still opened, as proof that each is genuine; the values are dropped here.
  const { rows } = await readListing(context, facts, listOperation(requester.role), environment);
  const now = context.now();
  return rows.map((row) => describeSecretName(row, now));
}
