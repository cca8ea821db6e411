/**
 * @module audit-seal
 * Two records that say, under the audit-chain key, what the audit trail must look like, so that
 * whoever can write the database but has no master key cannot remove entries unnoticed:
 *
 * - the **head**: the id, hash and digest of the newest entry and how many entries were ever
 *   written. It is rewritten in the transaction of every append, so a log that does not end
 *   exactly at the head lost its newest entries (or all of them).
 * - the **history**: the retention anchor (where a pruned log starts), the rotation anchors (the
 *   head at each master-key rotation, whose entries were keyed under a key that no longer exists),
 *   the checkpoints taken, and the checkpoint signing keys. An anchor written without the key
 *   does not verify, so a prefix cannot be deleted behind a forged anchor.
 *
 * Each is stored as `{ "body": <JSON text>, "mac": <HMAC-SHA256 of a label and the body> }`: the
 * MAC covers the exact bytes read back, whatever a JSON library does with key order.
 */
import { createHmac } from 'node:crypto';
import { type ChainLink, GENESIS_HASH, sameHash } from '@iron/secrets-audit';
import type { Transaction } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import type { Checkpoint } from './checkpoint.js';

export const AUDIT_HEAD_SETTING = 'audit_head';
export const AUDIT_HISTORY_SETTING = 'audit_history';

/** The newest entry and the number of entries ever written. */
export interface AuditHead extends ChainLink {
  /** The newest entry's id; 0 before the first. */
  readonly lastId: number;
  /** Entries ever appended, pruned ones included. */
  readonly count: number;
}

/** A checkpoint's position: which entry it names and that entry's digest. */
export interface CheckpointMark {
  readonly lastId: number;
  readonly digest: string;
}

/** Where a pruned log starts, with the checkpoints whose entries pruning removed. */
export interface RetentionAnchor extends ChainLink {
  readonly throughId: number;
  /** Entries pruned, in all prunings together. */
  readonly pruned: number;
  readonly checkpointed: readonly CheckpointMark[];
}

/** The head of the chain when a master-key rotation replaced the chain key. */
export interface RotationAnchor extends ChainLink {
  readonly throughId: number;
  /** Unix seconds. */
  readonly at: number;
}

/** A checkpoint signing key: its public half and the entries it signed. */
export interface SigningKeyRecord {
  readonly keyId: string;
  /** Ed25519 public key, SPKI DER, base64. */
  readonly publicKey: string;
  /** The head's last id when the key became current: it signs checkpoints after this entry. */
  readonly since: number;
  /** The head's last id when a rotation retired it; null while current. */
  readonly until: number | null;
  /** The handover checkpoint, signed by the key before it, that names this key. */
  readonly handover: Checkpoint | null;
}

export interface AuditHistory {
  /** Entries after this id store their digest (0; or the newest entry when a pre-0.3 trail was sealed). */
  readonly digestsAfter: number;
  readonly anchor: RetentionAnchor | null;
  readonly rotations: readonly RotationAnchor[];
  readonly checkpoints: readonly CheckpointMark[];
  readonly signingKeys: readonly SigningKeyRecord[];
}

export const EMPTY_HISTORY: AuditHistory = Object.freeze({
  digestsAfter: 0,
  anchor: null,
  rotations: [],
  checkpoints: [],
  signingKeys: [],
});

/** The head of an empty log. */
export const EMPTY_HEAD: AuditHead = Object.freeze({
  lastId: 0,
  count: 0,
  hash: GENESIS_HASH,
  digest: GENESIS_HASH,
});

const HEAD_LABEL = 'iron-secrets/audit-head/v1\n';
const HISTORY_LABEL = 'iron-secrets/audit-history/v1\n';

/** The stored form of a record under `chainKey`. */
export function sealRecord(chainKey: Uint8Array, label: 'head' | 'history', body: unknown): string {
  const text = JSON.stringify(body);
  return JSON.stringify({ body: text, mac: macOf(chainKey, label, text) });
}

/**
 * The record stored under `setting`: undefined when there is none, INTEGRITY_VIOLATION when its
 * MAC does not verify under `chainKey` (written or edited without the master key).
 */
export async function readSealed<T>(
  tx: Transaction,
  chainKey: Uint8Array,
  label: 'head' | 'history',
): Promise<T | undefined> {
  const stored = await tx.meta.get(label === 'head' ? AUDIT_HEAD_SETTING : AUDIT_HISTORY_SETTING);
  if (stored === undefined) return undefined;
  return openSealed<T>(chainKey, label, stored);
}

/** Parses and authenticates a stored record (see {@link readSealed}). */
export function openSealed<T>(chainKey: Uint8Array, label: 'head' | 'history', stored: string): T {
  let parsed: { body?: unknown; mac?: unknown };
  try {
    parsed = JSON.parse(stored) as typeof parsed;
  } catch {
    throw tampered(label);
  }
  if (typeof parsed.body !== 'string' || typeof parsed.mac !== 'string') throw tampered(label);
  if (!sameHash(parsed.mac, macOf(chainKey, label, parsed.body))) throw tampered(label);
  return JSON.parse(parsed.body) as T;
}

/**
 * The head, which every sealed installation has: INTEGRITY_VIOLATION when it is missing (deleted
 * from the database) or does not verify. Whatever links to it (an append, a rotation anchor, a
 * checkpoint) would otherwise seal an attacker's truncation as the truth.
 */
export async function readHead(tx: Transaction, chainKey: Uint8Array): Promise<AuditHead> {
  const head = await readSealed<AuditHead>(tx, chainKey, 'head');
  if (head === undefined) {
    throw new IronSecretsError(
      'INTEGRITY_VIOLATION',
      "the audit trail's head record is missing: it was deleted from the database; run `iron-secrets audit verify` and restore the database from a backup",
    );
  }
  return head;
}

/** Writes the head (replacing the previous one) inside `tx`. */
export function writeHead(tx: Transaction, chainKey: Uint8Array, head: AuditHead): Promise<void> {
  const body = { lastId: head.lastId, count: head.count, hash: head.hash, digest: head.digest };
  return tx.meta.set(AUDIT_HEAD_SETTING, sealRecord(chainKey, 'head', body), { replace: true });
}

/** Writes the history (replacing the previous one) inside `tx`. */
export function writeHistory(tx: Transaction, chainKey: Uint8Array, history: AuditHistory): Promise<void> {
  return tx.meta.set(AUDIT_HISTORY_SETTING, sealRecord(chainKey, 'history', history), { replace: true });
}

/** The history, or the empty one when none was written yet. */
export async function readHistory(tx: Transaction, chainKey: Uint8Array): Promise<AuditHistory> {
  return (await readSealed<AuditHistory>(tx, chainKey, 'history')) ?? EMPTY_HISTORY;
}

function macOf(chainKey: Uint8Array, label: 'head' | 'history', body: string): string {
  return createHmac('sha256', chainKey)
    .update(label === 'head' ? HEAD_LABEL : HISTORY_LABEL, 'utf8')
    .update(body, 'utf8')
    .digest('hex');
}

function tampered(label: 'head' | 'history'): IronSecretsError {
  return new IronSecretsError(
    'INTEGRITY_VIOLATION',
    `the audit trail's ${label} record does not verify: it was written or edited without the master key; run \`iron-secrets audit verify\` and restore the database from a backup`,
  );
}
