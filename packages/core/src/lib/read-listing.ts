/**
 * @module read-listing
 * The steps every listing takes, in one place, so a names-only listing cannot drift from the
 * listing with values: authorize (a refusal is audited), read the rows of the environment that
 * the requester's scope reaches, open every one, and append one READ per row before anything is
 * handed out (R3). Opening is needed even when no value is handed out: a row's name, environment
 * and settings are bound to its ciphertext, so only opening proves the row genuine; otherwise an
 * edited expiry or a row inserted without the master key would be listed as real and sealed into
 * the audit trail.
 */
import { type Environment, type Operation, reachesSecret } from '@iron/secrets-rbac';
import type { SecretRow } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from './audit-trail.js';
import type { ManagerContext } from './context.js';
import { explainDecryptionFailure } from './master-key-binding.js';

/** The rows listed, and their values in the same order. */
export interface Listing {
  readonly rows: readonly SecretRow[];
  readonly values: readonly string[];
}

/**
 * Lists `environment` for `facts.requester` as `operation` (FR-6.3's row), audited as `facts`
 * (its `disclosure` says what the caller will hand out). The first row that does not open is
 * refused (audited under its name, DECRYPTION_FAILED or MASTER_KEY_MISMATCH) and nothing is
 * handed out.
 */
export async function readListing(
  context: ManagerContext,
  facts: AuditFacts,
  operation: Operation,
  environment: Environment,
): Promise<Listing> {
  await authorizeOrRefuse(context, facts, operation, { environment });
  const rows = (
    await context.storage.transaction((tx) => tx.secrets.list(environment), { readOnly: true })
  ).filter((row) => reachesSecret(facts.requester, row.name));

  // Decrypted together: the key derivations of a cold cache run in parallel on the thread pool.
  const opened = await Promise.allSettled(rows.map((row) => context.cipher.open(row)));
  const failed = opened.findIndex((result) => result.status === 'rejected');
  if (failed !== -1) {
    const reason = (opened[failed] as PromiseRejectedResult).reason;
    if (!(reason instanceof IronSecretsError)) throw reason;
    return refuse(
      context,
      { ...facts, secretName: rows[failed]!.name },
      await explainDecryptionFailure(context, reason),
    );
  }
  const values = opened.map((result) => (result as PromiseFulfilledResult<string>).value);

  if (rows.length > 0) {
    await context.storage.transaction((tx) =>
      appendAudit(
        context,
        tx,
        rows.map((row) =>
          auditRecord(context, { ...facts, secretName: row.name, secretVersion: row.version }),
        ),
      ),
    );
  }
  return { rows, values };
}
