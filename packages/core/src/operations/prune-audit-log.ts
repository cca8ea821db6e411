/**
 * @module prune-audit-log
 * FR-8.5: removing audit entries older than the retention period, keeping the rest verifiable.
 */
import { digestAuditEntry, GENESIS_HASH, retentionCutoff } from '@iron/secrets-audit';
import { Operation } from '@iron/secrets-rbac';
import type { Transaction } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { type AuditHistory, type RetentionAnchor, readHistory, writeHistory } from '../lib/audit-seal.js';
import { authorizeOrThrow } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { assertCurrentMasterKey } from '../lib/master-key-binding.js';
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
  const pruned = await context.storage.transaction(async (tx) => {
    await assertCurrentMasterKey(context, tx);
    const last = await tx.audit.lastPrunable(cutoff);
    if (last === undefined) return 0;
    const history = await readHistory(tx, context.auditChainKey);
    const digest = last.digest ?? (await digestOf(tx, history, last.id));
    const count = await tx.audit.prune(cutoff, now);
    // The anchor remembers the digests of the checkpoints whose entries it removes, so a
    // checkpoint taken before the prune still verifies after it.
    const removed = history.checkpoints.filter((mark) => mark.lastId <= last.id);
    const anchor: RetentionAnchor = {
      throughId: last.id,
      hash: last.hash,
      digest,
      pruned: (history.anchor?.pruned ?? 0) + count,
      checkpointed: [...(history.anchor?.checkpointed ?? []), ...removed],
    };
    await writeHistory(tx, context.auditChainKey, {
      ...history,
      anchor,
      checkpoints: history.checkpoints.filter((mark) => mark.lastId > last.id),
    });
    return count;
  });
  return { pruned };
}

/**
 * The digest of entry `id`, computed from the anchor on: only an entry written before 0.3 has
 * none stored, and only the first prune after an upgrade can need this walk.
 */
async function digestOf(tx: Transaction, history: AuditHistory, id: number): Promise<string> {
  let digest = history.anchor?.digest ?? GENESIS_HASH;
  for (let afterId = history.anchor?.throughId ?? 0; afterId < id; ) {
    const page = await tx.audit.query({ afterId, limit: PAGE });
    for (const entry of page) {
      if (entry.id > id) return digest;
      digest = entry.digest ?? digestAuditEntry(entry, digest);
      afterId = entry.id;
    }
    if (page.length < PAGE) break;
  }
  return digest;
}

const PAGE = 5_000;
