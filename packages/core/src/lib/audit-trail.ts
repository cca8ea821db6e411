/**
 * @module audit-trail
 * Writing audit entries: successes inside the transaction of their change (R3), failures in a
 * transaction of their own before the error reaches the caller.
 */
import {
  type AuditOperation,
  type AuditRecord,
  type ChainLink,
  chainAuditRecord,
  type Disclosure,
} from '@iron/secrets-audit';
import { authorize, type Operation, type Requester, type Target } from '@iron/secrets-rbac';
import type { Transaction } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { type AuditHead, readHead, writeHead } from './audit-seal.js';
import type { ManagerContext } from './context.js';
import { assertCurrentMasterKey } from './master-key-binding.js';

/** What an entry is about. */
export interface AuditFacts {
  readonly requester: Requester;
  readonly operation: AuditOperation;
  readonly secretName: string;
  readonly environment: string | null;
  /** The secret's version written, deleted or read; omitted when none. */
  readonly secretVersion?: number | undefined;
  /** What a READ hands out (or, refused, asked for); omitted for every other operation. */
  readonly disclosure?: Disclosure | undefined;
}

/** Error messages are ours and hold no value; the cap keeps a runaway message from bloating the log. */
const MAX_ERROR_MESSAGE_LENGTH = 500;

/** The record of an operation: successful, or failed with `error`. */
export function auditRecord(
  context: ManagerContext,
  facts: AuditFacts,
  error?: IronSecretsError,
): AuditRecord {
  return {
    timestamp: context.now(),
    operation: facts.operation,
    secretName: facts.secretName,
    environment: facts.environment,
    requesterRole: facts.requester.role,
    agentId: facts.requester.agentId ?? null,
    requesterId: facts.requester.id ?? null,
    success: error === undefined,
    errorMessage: error ? `${error.code}: ${error.message}`.slice(0, MAX_ERROR_MESSAGE_LENGTH) : null,
    // A refused operation wrote and read no version.
    secretVersion: error === undefined ? (facts.secretVersion ?? null) : null,
    disclosure: facts.disclosure ?? null,
  };
}

/**
 * Appends records to the chain, in order, inside `tx`, and moves the head record with them.
 *
 * - Only after a head that verifies: linking new entries to a head that is missing or forged
 *   would seal whatever an attacker left (a truncated log) as the truth.
 * - So only under the database's current chain key: a process still running with a master key
 *   rotated away also holds the chain key rotated away, and the head (rewritten under the new
 *   key by the rotation) does not verify under it. Only then is the fingerprint read, to say
 *   MASTER_KEY_MISMATCH rather than tampering: not one more read on every append.
 */
export async function appendAudit(
  context: ManagerContext,
  tx: Transaction,
  records: readonly AuditRecord[],
): Promise<void> {
  if (records.length === 0) return;
  let head: AuditHead;
  try {
    head = await readHead(tx, context.auditChainKey);
  } catch (error) {
    await assertCurrentMasterKey(context, tx);
    throw error;
  }
  let prev: ChainLink = head;
  const chained = records.map((record) => {
    const entry = chainAuditRecord(context.auditChainKey, record, prev);
    prev = entry;
    return entry;
  });
  const lastId = await tx.audit.append(chained);
  await writeHead(tx, context.auditChainKey, {
    lastId,
    count: head.count + chained.length,
    hash: prev.hash,
    digest: prev.digest,
  });
}

/**
 * Records a failed operation, then throws its error. The entry is committed on its own: the
 * operation changed nothing, so there is nothing for it to be atomic with.
 */
export async function refuse(
  context: ManagerContext,
  facts: AuditFacts,
  error: IronSecretsError,
): Promise<never> {
  await context.storage.transaction((tx) => appendAudit(context, tx, [auditRecord(context, facts, error)]));
  throw error;
}

/**
 * Checks the requester's role and scope (FR-6.3, R7); ACCESS_DENIED if refused. For operations
 * on the audit log itself, which are not secret operations and so have no audit entry.
 */
export function authorizeOrThrow(requester: Requester, operation: Operation, target: Target = {}): void {
  const decision = authorize(requester, operation, target);
  if (!decision.allowed) throw new IronSecretsError('ACCESS_DENIED', decision.reason);
}

/**
 * Checks the requester's role and scope (FR-6.3, R7) for an operation on `target`; a refusal is
 * audited and thrown as ACCESS_DENIED.
 */
export async function authorizeOrRefuse(
  context: ManagerContext,
  facts: AuditFacts,
  operation: Operation,
  target: Target,
): Promise<void> {
  const decision = authorize(facts.requester, operation, target);
  if (!decision.allowed) await refuse(context, facts, new IronSecretsError('ACCESS_DENIED', decision.reason));
}
