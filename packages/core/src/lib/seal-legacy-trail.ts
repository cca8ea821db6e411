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
import { IronSecretsError } from '../errors.js';
import {
  AUDIT_HEAD_SETTING,
  AUDIT_HISTORY_SETTING,
  type AuditHead,
  type AuditHistory,
  EMPTY_HISTORY,
  writeHead,
  writeHistory,
} from './audit-seal.js';
import { SIGNING_KEY_SETTING } from './audit-signing-key.js';

const PAGE = 5_000;

/**
 * Writes the head and history of the log as it stands. Refused (INTEGRITY_VIOLATION) when the
 * database already holds anything only a sealing version writes: the chain key's pre-0.3 wrapping
 * was then put back from an old backup (it is genuine under the same master key), and sealing
 * would bless whatever the trail was cut down to as the truth.
 */
export async function sealLegacyTrail(tx: Transaction, chainKey: Uint8Array): Promise<void> {
  for (const setting of [AUDIT_HEAD_SETTING, AUDIT_HISTORY_SETTING, SIGNING_KEY_SETTING]) {
    if ((await tx.meta.get(setting)) !== undefined) throw downgraded();
  }
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
      if (entry.digest !== null || entry.secretVersion !== null) throw downgraded();
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

function downgraded(): IronSecretsError {
  return new IronSecretsError(
    'INTEGRITY_VIOLATION',
    'the audit-chain key is stored in its pre-0.3 form, but the audit trail was already sealed by 0.3 or later: the key was put back from an older copy of the database, and entries may have been removed; restore the database from a backup and check it against a checkpoint kept outside',
  );
}
