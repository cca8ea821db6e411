/**
 * @module audit-log
 * FR-8.4: reading the audit trail. One rule for the library, the CLI and the API (issue 15):
 * `limit` alone gives the newest entries; with `beforeId` the newest older than it; with
 * `afterId` the oldest newer than it (the next page, what following resumes from). Always
 * returned oldest first, like a log.
 */
import { type AuditOperation, DISCLOSURES, type Disclosure } from '@iron/secrets-audit';
import {
  type Environment,
  Operation,
  type Requester,
  ROLES,
  type Role,
  reachesEnvironment,
  reachesSecret,
} from '@iron/secrets-rbac';
import type { AuditQuery, StoredAuditRow, Transaction } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { assertAuditSubject } from '../lib/audit-subjects.js';
import { authorizeOrThrow } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { assertOptionalEnvironment, wholeNumber } from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** The most entries one call returns; page with `beforeId` or `afterId`. */
export const MAX_AUDIT_LIMIT = 10_000;

/** The operations an entry can record, for checking filters. */
const AUDIT_OPERATIONS: readonly AuditOperation[] = ['CREATE', 'READ', 'UPDATE', 'DELETE'];

/** One audit entry (FR-8.2, with R3's additions). Never holds a secret value. */
export interface AuditEntry {
  readonly id: number;
  readonly operation: AuditOperation;
  /**
   * The secret's name; `*` for an operation on no single secret (a refused listing);
   * `token:<id>` for a token's creation, revocation or refused use; `master-key` for a rotation.
   */
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
  /**
   * What a READ handed out: `value`, `masked` or `none` (a names-only listing); null for other
   * operations and for entries written before 0.3.1.
   */
  readonly disclosure: Disclosure | null;
}

/** The filters every way of reading the trail shares (a query, following). */
export interface AuditFilters {
  /** Only entries about this subject: a secret's name, `master-key`, `token:<id>` or `*`. */
  readonly secretName?: string | undefined;
  readonly environment?: string | undefined;
  readonly operation?: AuditOperation | undefined;
  /** Only entries of requesters with this role. */
  readonly requesterRole?: Role | undefined;
  /** Only entries of this requester: a token id, an operator's user name or an agent id. */
  readonly requestedBy?: string | undefined;
  /** Only operations that succeeded (true) or failed (false). */
  readonly success?: boolean | undefined;
  /** Only READs that handed out this. */
  readonly disclosure?: Disclosure | undefined;
}

/** Filters and the page of `auditLog`. */
export interface AuditLogQuery extends AuditFilters {
  /** Entries at or after this time. */
  readonly since?: Date | undefined;
  /** Entries before this time. */
  readonly until?: Date | undefined;
  /** The oldest `limit` entries after this id (the next page). */
  readonly afterId?: number | undefined;
  /** The newest `limit` entries before this id (the previous page). */
  readonly beforeId?: number | undefined;
  /** At most this many (default and at most 10,000). */
  readonly limit?: number | undefined;
  /**
   * With `afterId`: the newest `limit` entries after it rather than the oldest. Without
   * `afterId` it changes nothing: the newest are what `limit` gives.
   */
  readonly latest?: boolean | undefined;
  /** Who reads; omitted, admin. Agents may not read the audit log. */
  readonly requester?: RequesterInput | undefined;
}

export async function auditLog(context: ManagerContext, query: AuditLogQuery = {}): Promise<AuditEntry[]> {
  const requester = toRequester(query.requester);
  const filters = checkAuditFilters(query);
  assertOptionalEnvironment(query.environment);
  authorizeOrThrow(requester, Operation.ReadAudit, { environment: query.environment });
  const afterId = wholeNumber(query.afterId, 'afterId', 0, Number.MAX_SAFE_INTEGER);
  const beforeId = wholeNumber(query.beforeId, 'beforeId', 1, Number.MAX_SAFE_INTEGER);
  const limit = wholeNumber(query.limit, 'limit', 1, MAX_AUDIT_LIMIT) ?? MAX_AUDIT_LIMIT;
  const rows = await context.storage.transaction(
    (tx) =>
      readAuditEntries(
        tx,
        {
          ...filters,
          ...scopeFilter(requester),
          since: seconds(query.since, 'since'),
          until: seconds(query.until, 'until'),
          afterId,
          beforeId,
          latest: afterId === undefined || query.latest === true,
        },
        limit,
        visibleTo(requester),
      ),
    { readOnly: true },
  );
  return rows.map(toAuditEntry);
}

/** Checks the shared filters; each wrong one is INVALID_ARGUMENT saying what was expected. */
export function checkAuditFilters(filters: AuditFilters): Omit<AuditQuery, 'limit'> {
  if (filters.secretName !== undefined) assertAuditSubject(filters.secretName, 'secretName');
  assertOptionalEnvironment(filters.environment);
  oneOf(filters.operation, AUDIT_OPERATIONS, 'operation');
  oneOf(filters.requesterRole, ROLES, 'requesterRole');
  oneOf(filters.disclosure, DISCLOSURES, 'disclosure');
  if (filters.success !== undefined && typeof filters.success !== 'boolean') {
    throw new IronSecretsError('INVALID_ARGUMENT', 'success must be true or false');
  }
  if (
    filters.requestedBy !== undefined &&
    (typeof filters.requestedBy !== 'string' ||
      filters.requestedBy.length === 0 ||
      filters.requestedBy.length > 256)
  ) {
    throw new IronSecretsError('INVALID_ARGUMENT', 'requestedBy must be a token id, user name or agent id');
  }
  return {
    secretName: filters.secretName,
    environment: filters.environment,
    operation: filters.operation,
    requesterRole: filters.requesterRole,
    requester: filters.requestedBy,
    success: filters.success,
    disclosure: filters.disclosure,
  };
}

/**
 * A requester's scope as SQL filters (the same rule as {@link visibleTo}): applied by the
 * database, a scope that matches little costs one indexed walk in C, not a read of the whole
 * log into JavaScript (which, on SQLite, would block every other request meanwhile).
 */
export function scopeFilter(requester: Requester): Pick<AuditQuery, 'environments' | 'namePatterns'> {
  return { environments: requester.environments, namePatterns: requester.secrets };
}

/**
 * Up to `limit` entries matching `query` that `visible` lets through, oldest first: the newest
 * (with `latest`) or the oldest of the range. The filters, the requester's scope included
 * ({@link scopeFilter}), run in SQL, so the first page is normally the answer; `visible` checks
 * the scope again, and should the two ever disagree, pages are read until `limit` entries passed
 * it or the range is exhausted: a scoped viewer asking for the latest 3 gets the latest 3 it may
 * see, never what is left of the latest 3 overall.
 */
export async function readAuditEntries(
  tx: Transaction,
  query: Omit<AuditQuery, 'limit'>,
  limit: number,
  visible: (row: StoredAuditRow) => boolean,
): Promise<StoredAuditRow[]> {
  const found: StoredAuditRow[] = [];
  let { afterId, beforeId } = query;
  // Unscoped, the first page is the answer; when a scope hid some, larger pages save round trips.
  let size = limit;
  for (; ; size = Math.max(limit, SCOPED_PAGE)) {
    const page = await tx.audit.query({ ...query, afterId, beforeId, limit: size });
    const inOrder = query.latest ? [...page].reverse() : page;
    for (const row of inOrder) {
      if (!visible(row)) continue;
      found.push(row);
      if (found.length === limit) return query.latest ? found.reverse() : found;
    }
    if (page.length < size) {
      return query.latest ? found.reverse() : found;
    }
    if (query.latest) beforeId = page[0]!.id;
    else afterId = page.at(-1)!.id;
  }
}

/** Rows read per round trip when a scope may hide some of them. */
const SCOPED_PAGE = 1_000;

function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
): asserts value is T | undefined {
  if (value !== undefined && !allowed.includes(value as T)) {
    throw new IronSecretsError('INVALID_ARGUMENT', `${field} must be one of ${allowed.join(', ')}`);
  }
}

/**
 * Which entries a requester may see. A scoped requester sees only the entries of its scope, as in
 * the change feed: of its environments (and none without one), and of the secret names its
 * patterns reach. A requester scoped to some secrets sees no entry about something else (a
 * token's `token:<id>`, `master-key`, `*`): a pattern such as `t*` must not reach tokens.
 */
export function visibleTo(requester: Requester): (row: StoredAuditRow) => boolean {
  return (row) =>
    (row.environment === null
      ? requester.environments === undefined
      : reachesEnvironment(requester, row.environment as Environment)) &&
    (requester.secrets === undefined ||
      (SUBJECT_IS_SECRET.test(row.secretName) && reachesSecret(requester, row.secretName)));
}

/** A subject made of name characters only: a secret's, not `token:<id>`, `master-key` or `*`. */
const SUBJECT_IS_SECRET = /^[A-Za-z0-9_]+$/;

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
    disclosure: row.disclosure,
  };
}

function seconds(date: Date | undefined, field: string): number | undefined {
  if (date === undefined) return undefined;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new IronSecretsError('INVALID_ARGUMENT', `${field} must be a valid Date`);
  }
  return Math.floor(date.getTime() / 1000);
}
