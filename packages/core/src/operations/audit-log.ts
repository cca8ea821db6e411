/**
 * @module audit-log
 * FR-8.4: reading the audit trail, oldest first.
 */
import type { AuditOperation } from '@iron/secrets-audit';
import {
  type Environment,
  Operation,
  type Requester,
  reachesEnvironment,
  reachesSecret,
} from '@iron/secrets-rbac';
import type { StoredAuditRow } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { authorizeOrThrow } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { assertOptionalEnvironment, assertSecretName, wholeNumber } from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** The most entries one call returns; page with `afterId`. */
export const MAX_AUDIT_LIMIT = 10_000;

/** One audit entry (FR-8.2, with R3's additions). Never holds a secret value. */
export interface AuditEntry {
  readonly id: number;
  readonly operation: AuditOperation;
  /** The secret's name; `*` for an operation on no single secret (a refused listing). */
  readonly secretName: string;
  readonly requesterRole: 'admin' | 'viewer' | 'agent';
  readonly agentId: string | null;
  /** The requester's identity beyond its role: a token id or an operator's user name. */
  readonly requesterId: string | null;
  readonly environment: string | null;
  readonly success: boolean;
  readonly errorMessage: string | null;
  readonly timestamp: Date;
  readonly prevHash: string;
  readonly hash: string;
  /** The secret's version written, deleted or read; null when none (and before 0.3). */
  readonly secretVersion: number | null;
  /** The public SHA-256 chain digest (docs/operations.md); null in entries from before 0.3. */
  readonly digest: string | null;
}

/** Filters of `auditLog`. */
export interface AuditLogQuery {
  readonly secretName?: string | undefined;
  readonly environment?: string | undefined;
  /** Entries at or after this time. */
  readonly since?: Date | undefined;
  /** Entries before this time. */
  readonly until?: Date | undefined;
  /** Entries after this id (paging). */
  readonly afterId?: number | undefined;
  /** At most this many (default and maximum 10,000), oldest first. */
  readonly limit?: number | undefined;
  /** The newest `limit` entries rather than the oldest (still returned oldest first). */
  readonly latest?: boolean | undefined;
  /** Who reads; omitted, admin. Agents may not read the audit log. */
  readonly requester?: RequesterInput | undefined;
}

export async function auditLog(context: ManagerContext, query: AuditLogQuery = {}): Promise<AuditEntry[]> {
  const requester = toRequester(query.requester);
  if (query.secretName !== undefined) assertSecretName(query.secretName);
  assertOptionalEnvironment(query.environment);
  authorizeOrThrow(requester, Operation.ReadAudit, { environment: query.environment });
  const rows = await context.storage.transaction(
    (tx) =>
      tx.audit.query({
        secretName: query.secretName,
        environment: query.environment,
        since: seconds(query.since, 'since'),
        until: seconds(query.until, 'until'),
        afterId: wholeNumber(query.afterId, 'afterId', 0, Number.MAX_SAFE_INTEGER),
        limit: wholeNumber(query.limit, 'limit', 1, MAX_AUDIT_LIMIT),
        latest: query.latest === true,
      }),
    { readOnly: true },
  );
  return rows.filter(visibleTo(requester)).map(toAuditEntry);
}

/**
 * Which entries a requester may see. A scoped requester sees only the entries of its scope, as in
 * the change feed: of its environments (and none without one), and of the secret names its
 * patterns reach.
 */
export function visibleTo(requester: Requester): (row: StoredAuditRow) => boolean {
  return (row) =>
    (row.environment === null
      ? requester.environments === undefined
      : reachesEnvironment(requester, row.environment as Environment)) &&
    reachesSecret(requester, row.secretName);
}

/** A stored row as the public entry. */
export function toAuditEntry(row: StoredAuditRow): AuditEntry {
  return {
    id: row.id,
    operation: row.operation,
    secretName: row.secretName,
    requesterRole: row.requesterRole,
    agentId: row.agentId,
    requesterId: row.requesterId,
    environment: row.environment,
    success: row.success,
    errorMessage: row.errorMessage,
    timestamp: new Date(row.timestamp * 1000),
    prevHash: row.prevHash,
    hash: row.hash,
    secretVersion: row.secretVersion,
    digest: row.digest,
  };
}

function seconds(date: Date | undefined, field: string): number | undefined {
  if (date === undefined) return undefined;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new IronSecretsError('INVALID_ARGUMENT', `${field} must be a valid Date`);
  }
  return Math.floor(date.getTime() / 1000);
}
