/**
 * @module open-listed
 * Opening every row of a listing before anything is handed out: the listing with values needs
 * them, and a names-only listing needs the proof that each row is genuine (its name,
 * environment and settings are bound to its ciphertext), or it would hand out an edited expiry
 * or a row inserted without the master key as real, and seal it into the audit trail.
 */
import type { SecretRow } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { type AuditFacts, refuse } from './audit-trail.js';
import type { ManagerContext } from './context.js';
import { explainDecryptionFailure } from './master-key-binding.js';

/**
 * The values of `rows`, in order; the first row that does not open is refused (audited under
 * its name, DECRYPTION_FAILED or MASTER_KEY_MISMATCH) and nothing is handed out.
 */
export async function openListedRows(
  context: ManagerContext,
  facts: AuditFacts,
  rows: readonly SecretRow[],
): Promise<string[]> {
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
  return opened.map((result) => (result as PromiseFulfilledResult<string>).value);
}
