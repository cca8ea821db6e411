/**
 * @module seal-legacy-trail
 * Sealing the audit trail of a database written before 0.3 (no head record, no digests): once,
 * at the first open by a version that seals, inside one write transaction. The digests of the
 * existing entries are computed (they are defined for every entry; only stored from now on), the
 * head is written after the newest one, and the retention anchor found in the database is taken
 * into the sealed history: from then on an anchor not written by iron-secrets does not verify.
 */
import { digestAuditEntry, GENESIS_HASH } from '@iron/secrets-audit';
import type { Transaction } from '@iron/secrets-storage';
import { type AuditHead, type AuditHistory, EMPTY_HISTORY, writeHead, writeHistory } from './audit-seal.js';

const PAGE = 5_000;

/** Writes the head and history of the log as it stands. */
export async function sealLegacyTrail(tx: Transaction, chainKey: Uint8Array): Promise<void> {
  const anchors = await tx.restore.anchors();
  const anchor = anchors.at(-1);
  const pruned = anchors.reduce((sum, a) => sum + a.prunedCount, 0);
  // An anchor from before 0.3 has no digest: its hash stands in for it (as the verifier does).
  let head: AuditHead = anchor
    ? { lastId: anchor.throughId, count: pruned, hash: anchor.hash, digest: anchor.hash }
    : { lastId: 0, count: 0, hash: GENESIS_HASH, digest: GENESIS_HASH };
  for (let afterId = head.lastId; ; ) {
    const page = await tx.audit.query({ afterId, limit: PAGE });
    for (const entry of page) {
      head = {
        lastId: entry.id,
        count: head.count + 1,
        hash: entry.hash,
        digest: digestAuditEntry(entry, head.digest),
      };
    }
    if (page.length < PAGE) break;
    afterId = page.at(-1)!.id;
  }
  const history: AuditHistory = {
    ...EMPTY_HISTORY,
    digestsAfter: head.lastId,
    anchor: anchor
      ? { throughId: anchor.throughId, hash: anchor.hash, digest: anchor.hash, pruned, checkpointed: [] }
      : null,
  };
  await writeHead(tx, chainKey, head);
  await writeHistory(tx, chainKey, history);
}
