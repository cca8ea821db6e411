/**
 * @module verify-audit-log
 * R3 and issue 14: proving the audit trail is intact, and that nothing was removed from either
 * end. Everything is read in one read transaction (a prune or an append meanwhile cannot make a
 * consistent log look broken), page by page, so a log of millions of entries is checked in
 * bounded memory. What is checked, in order:
 *
 * 1. The head and history records verify under the chain key (audit-seal.ts), and the retention
 *    anchor in the log's table is the one the history holds: an anchor forged to hide a deleted
 *    prefix is found.
 * 2. Every entry links to the one before it by hash and by digest, and its digest follows from its
 *    fields; its keyed hash is checked when it was keyed under the current chain key (entries up
 *    to the last rotation anchor were keyed under a key the rotation replaced).
 * 3. At every rotation anchor the chain passes through the anchored hash and digest.
 * 4. The log ends exactly at the head, and holds as many entries as the head counts: the newest
 *    entries (or all of them) were not removed.
 * 5. With a checkpoint: its signature verifies under one of this installation's signing keys, for
 *    an entry in that key's range (a retired key opens with a leaked old master key), and the log
 *    extends it (the checkpointed entry is there with that digest, or a prune remembered
 *    it).
 * 6. Every secret row agrees with the trail: not at an older version than the trail last wrote
 *    (rolled back), not present although the trail deleted it, not present without a CREATE. No
 *    token the trail revoked is live again (its row from before the revocation put back).
 */
import { AuditChainVerifier, type ChainVerification, GENESIS_HASH, sameHash } from '@iron/secrets-audit';
import { Operation } from '@iron/secrets-rbac';
import type { StoredAuditRow, Transaction } from '@iron/secrets-storage';
import { isIronSecretsError } from '../errors.js';
import { type AuditHead, type AuditHistory, EMPTY_HISTORY, readSealed } from '../lib/audit-seal.js';
import { tokenSubject } from '../lib/audit-subjects.js';
import { authorizeOrThrow } from '../lib/audit-trail.js';
import { type Checkpoint, checkpointSignatureValid, signingKeyId } from '../lib/checkpoint.js';
import type { ManagerContext } from '../lib/context.js';
import { assertCurrentMasterKey, FINGERPRINT_SETTING } from '../lib/master-key-binding.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

const PAGE = 5_000;
/** The subject of a token's audit entries, before its id: `token:`. */
const TOKEN_SUBJECT_PREFIX = tokenSubject('');

/** The outcome of `verifyAuditLog`: `ok`, how many entries were checked, and the first problem. */
export type AuditVerification = ChainVerification;

/** Options of `verifyAuditLog`. */
export interface VerifyAuditLogOptions {
  readonly requester?: RequesterInput | undefined;
  /** A checkpoint printed earlier (`audit checkpoint`): the log must extend it. */
  readonly checkpoint?: Checkpoint | undefined;
}

export async function verifyAuditLog(
  context: ManagerContext,
  options: VerifyAuditLogOptions = {},
): Promise<AuditVerification> {
  const requester = toRequester(options.requester);
  authorizeOrThrow(requester, Operation.ReadAudit);
  return context.storage.transaction((tx) => verifyIn(context, tx, options.checkpoint), { readOnly: true });
}

async function verifyIn(
  context: ManagerContext,
  tx: Transaction,
  checkpoint: Checkpoint | undefined,
): Promise<AuditVerification> {
  if ((await tx.meta.get(FINGERPRINT_SETTING)) === undefined) {
    return broken(0, "the master-key fingerprint was deleted from the database's settings");
  }
  // A process still holding a master key that another one rotated away holds the old chain key:
  // the sealed records do not verify under it, and that is MASTER_KEY_MISMATCH, not tampering.
  await assertCurrentMasterKey(context, tx);
  let head: AuditHead | undefined;
  let history: AuditHistory;
  try {
    head = await readSealed<AuditHead>(tx, context.auditChainKey, 'head');
    history = (await readSealed<AuditHistory>(tx, context.auditChainKey, 'history')) ?? EMPTY_HISTORY;
  } catch (error) {
    if (isIronSecretsError(error) && error.code === 'INTEGRITY_VIOLATION') return broken(0, error.message);
    throw error;
  }
  if (head === undefined) {
    return broken(
      0,
      "the audit trail's head record is missing: it was deleted, and entries may have been too",
    );
  }
  const anchor = history.anchor;
  const anchorRow = await tx.audit.anchor();
  if (!sameAnchor(anchorRow, anchor)) {
    return broken(
      anchorRow?.throughId ?? 0,
      'the retention anchor in the database is not the one iron-secrets wrote: a prefix of the log was deleted behind a forged anchor',
    );
  }
  const keyedAfter = Math.max(0, ...history.rotations.map((rotation) => rotation.throughId));
  const verifier = new AuditChainVerifier(context.auditChainKey, anchor, {
    keyedAfter,
    digestsAfter: history.digestsAfter ?? 0,
  });
  const rotations = new Map(
    history.rotations.filter((r) => r.throughId > (anchor?.throughId ?? 0)).map((r) => [r.throughId, r]),
  );
  const trail = new TrailOfSecrets();
  let count = anchor?.pruned ?? 0;
  let checkpointFound = false;

  if (checkpoint) {
    const problem = checkpointProblem(checkpoint, history, head);
    if (problem) return broken(checkpoint.lastId, problem);
    // A checkpoint at or before the anchor was settled against the anchor above.
    checkpointFound = checkpoint.lastId <= (anchor?.throughId ?? 0);
  }

  for (let afterId = anchor?.throughId ?? 0; ; ) {
    const page = await tx.audit.query({ afterId, limit: PAGE });
    for (const entry of page) {
      if (!verifier.push(entry)) return verifier.result();
      count += 1;
      trail.push(entry);
      const position = verifier.position();
      const rotation = rotations.get(entry.id);
      if (rotation) {
        rotations.delete(entry.id);
        if (!sameHash(rotation.hash, position.hash) || !sameHash(rotation.digest, position.digest)) {
          verifier.fail(
            entry.id,
            `entry ${entry.id} is not the chain's head anchored at a master-key rotation: history before it was rewritten`,
          );
          return verifier.result();
        }
      }
      if (checkpoint && entry.id === checkpoint.lastId) {
        checkpointFound = true;
        if (
          !sameHash(checkpoint.headDigest, position.digest) ||
          !sameHash(checkpoint.headHash, position.hash) ||
          checkpoint.entries !== count
        ) {
          verifier.fail(
            entry.id,
            `the log does not extend the checkpoint: entry ${entry.id} is not the one it signed (the log was rewritten or rolled back)`,
          );
          return verifier.result();
        }
      }
    }
    if (page.length < PAGE) break;
    afterId = page.at(-1)!.id;
  }

  const end = verifier.position();
  if (end.id !== head.lastId || !sameHash(end.hash, head.hash) || !sameHash(end.digest, head.digest)) {
    verifier.fail(
      end.id,
      head.lastId > end.id
        ? `the log ends at entry ${end.id} but ${head.lastId} was written: the newest entries were removed`
        : `the log ends at entry ${end.id}, not at the head iron-secrets recorded (${head.lastId})`,
    );
  } else if (count !== head.count) {
    verifier.fail(
      end.id,
      `the log holds ${count} entries but ${head.count} were written: entries were removed`,
    );
  } else if (rotations.size > 0) {
    const [missing] = rotations.keys();
    verifier.fail(missing!, `entry ${missing}, anchored at a master-key rotation, is missing`);
  } else if (checkpoint && !checkpointFound) {
    verifier.fail(
      checkpoint.lastId,
      `the log does not extend the checkpoint: entry ${checkpoint.lastId} is missing`,
    );
  } else {
    const problem =
      trail.problemWith(await tx.secrets.listAll(), anchor !== null) ??
      trail.tokenProblemWith(await tx.tokens.list());
    if (problem) verifier.fail(0, problem);
  }
  return verifier.result();
}

/**
 * Why a checkpoint cannot be extended by this log without reading it: a bad signature, a key this
 * installation never had, or a position the log has pruned without remembering it.
 */
function checkpointProblem(
  checkpoint: Checkpoint,
  history: AuditHistory,
  head: AuditHead,
): string | undefined {
  // The two fields the signature does not cover must still be exactly what they are derived from.
  if (checkpoint.v !== 1 || checkpoint.keyId !== signingKeyId(checkpoint.publicKey)) {
    return 'the checkpoint is malformed: its version or key id was altered';
  }
  if (!checkpointSignatureValid(checkpoint))
    return "the checkpoint's signature does not verify: it was altered or not signed by iron-secrets";
  const key = history.signingKeys.find((known) => known.publicKey === checkpoint.publicKey);
  if (key === undefined) {
    return `the checkpoint was signed by key ${checkpoint.keyId}, which is not one of this installation's signing keys (see \`iron-secrets audit public-key\`)`;
  }
  // A key signs only its own range: a retired key opens with the master key it was wrapped under,
  // so whoever leaked that old key could otherwise sign for any later head.
  if (checkpoint.lastId < key.since || (key.until !== null && checkpoint.lastId > key.until)) {
    return `the checkpoint names entry ${checkpoint.lastId}, outside the entries key ${checkpoint.keyId} signed (after ${key.since}${key.until === null ? '' : `, through ${key.until}`}): it was signed with a retired key, after the rotation that retired it`;
  }
  if (checkpoint.lastId > head.lastId || checkpoint.entries > head.count) {
    return `the log ends at entry ${head.lastId} but the checkpoint names entry ${checkpoint.lastId}: the newest entries were removed or the database was rolled back`;
  }
  const anchor = history.anchor;
  if (anchor === null && checkpoint.lastId === 0 && !sameHash(checkpoint.headDigest, GENESIS_HASH)) {
    return 'the checkpoint names an empty log with a digest that is not the genesis digest';
  }
  if (anchor && checkpoint.lastId <= anchor.throughId) {
    const remembered =
      (checkpoint.lastId === anchor.throughId && sameHash(anchor.digest, checkpoint.headDigest)) ||
      anchor.checkpointed.some(
        (mark) => mark.lastId === checkpoint.lastId && sameHash(mark.digest, checkpoint.headDigest),
      );
    if (!remembered) {
      return `entry ${checkpoint.lastId} was pruned and the retention anchor does not remember the checkpoint's digest: the log does not extend it`;
    }
  }
  return undefined;
}

/** An anchor row and the sealed anchor agree (both absent, or the same entry and hash). */
function sameAnchor(
  row: { throughId: number; hash: string } | undefined,
  sealed: AuditHistory['anchor'],
): boolean {
  if (row === undefined || sealed === null) return row === undefined && sealed === null;
  return row.throughId === sealed.throughId && sameHash(row.hash, sealed.hash);
}

function broken(firstBadId: number, reason: string): AuditVerification {
  return { ok: false, entries: 0, firstBadId, reason };
}

/**
 * What the trail says about each secret: whether it was ever created, its last successful write
 * (and the version that write left), so that the rows can be checked against it. One small
 * record per secret, however long the log.
 */
class TrailOfSecrets {
  readonly #secrets = new Map<
    string,
    { created: boolean; lastWrite: StoredAuditRow['operation'] | null; version: number | null }
  >();

  /** Tokens the trail revoked (still in the log). */
  readonly #revokedTokens = new Set<string>();

  push(entry: StoredAuditRow): void {
    if (!entry.success) return;
    if (
      entry.operation === 'DELETE' &&
      entry.environment === null &&
      entry.secretName.startsWith(TOKEN_SUBJECT_PREFIX)
    ) {
      this.#revokedTokens.add(entry.secretName.slice(TOKEN_SUBJECT_PREFIX.length));
      return;
    }
    if (entry.environment === null || entry.operation === 'READ') return;
    const key = `${entry.environment}\0${entry.secretName}`;
    const known = this.#secrets.get(key) ?? { created: false, lastWrite: null, version: null };
    this.#secrets.set(key, {
      created: known.created || entry.operation === 'CREATE',
      lastWrite: entry.operation,
      version: entry.secretVersion ?? (entry.operation === 'CREATE' ? 1 : known.version),
    });
  }

  /** The first row that disagrees with the trail, described; undefined when all agree. */
  problemWith(
    rows: readonly { name: string; environment: string; version: number }[],
    pruned: boolean,
  ): string | undefined {
    for (const row of rows) {
      const known = this.#secrets.get(`${row.environment}\0${row.name}`);
      const where = `secret ${row.name} (${row.environment})`;
      if (known === undefined || !known.created) {
        // A pruned log may have lost the CREATE: only an unpruned one must hold it.
        if (!pruned && (known === undefined || known.lastWrite === null)) {
          return `${where} exists but the audit trail never created it: it was inserted into the database directly`;
        }
        if (known === undefined) continue;
      }
      if (known.lastWrite === 'DELETE') {
        return `${where} exists but the audit trail deleted it: the row was restored from an older copy`;
      }
      if (known.version !== null && row.version < known.version) {
        return `${where} is at version ${row.version} but the audit trail last wrote version ${known.version}: the row was rolled back to an older ciphertext`;
      }
    }
    // And the other way: a secret the trail created or updated last must still have its row.
    const present = new Set(rows.map((row) => `${row.environment}\0${row.name}`));
    for (const [key, known] of this.#secrets) {
      if (known.lastWrite === 'DELETE' || known.lastWrite === null || present.has(key)) continue;
      const [environment, name] = key.split('\0');
      return `secret ${name} (${environment}) was written by the audit trail but its row is gone: it was deleted outside iron-secrets`;
    }
    return undefined;
  }

  /**
   * A token row the trail revoked but that is live again: its row from before the revocation was
   * put back, with the MAC it had then (genuine until a master-key rotation re-keys the rows).
   */
  tokenProblemWith(rows: readonly { id: string; revokedAt: number | null }[]): string | undefined {
    const revived = rows.find((row) => row.revokedAt === null && this.#revokedTokens.has(row.id));
    return revived
      ? `token ${revived.id} is live but the audit trail revoked it: its row was restored from before the revocation; revoke it again and rotate the master key`
      : undefined;
  }
}
