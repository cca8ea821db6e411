/**
 * @module prune-audit-log
 * FR-8.5: removing audit entries older than the retention period, keeping the rest verifiable.
 */
import { retentionCutoff } from '@iron/secrets-audit';
import { Operation } from '@iron/secrets-rbac';
import { IronSecretsError } from '../errors.js';
import { authorizeOrThrow } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** Options of `pruneAuditLog`. */
export interface PruneAuditLogOptions {
  /** Days to keep; default the manager's `auditRetentionDays` (90). */
  readonly retentionDays?: number | undefined;
  /** Who prunes: admins only. Omitted, admin. */
  readonly requester?: RequesterInput | undefined;
}

export async function pruneAuditLog(
  context: ManagerContext,
  options: PruneAuditLogOptions = {},
): Promise<{ pruned: number }> {
  const requester = toRequester(options.requester);
  // Pruning destroys evidence: it takes the rights of a delete, not of a read.
  authorizeOrThrow(requester, Operation.Delete);
  const now = context.now();
  let cutoff: number;
  try {
    cutoff = retentionCutoff(now, options.retentionDays ?? context.retentionDays);
  } catch (error) {
    throw new IronSecretsError('INVALID_ARGUMENT', (error as Error).message);
  }
  const pruned = await context.storage.transaction((tx) => tx.audit.prune(cutoff, now));
  return { pruned };
}
