/**
 * @module create-token
 * Minting an access token: the credential the HTTP API and a remote `run` authenticate with. The
 * token is returned once; only its hash is stored. Audited as a CREATE of `token:<id>`.
 */
import { AuditOperation } from '@iron/secrets-audit';
import { type Environment, Operation, type Role } from '@iron/secrets-rbac';
import type { AccessTokenRow } from '@iron/secrets-storage';
import { type AccessToken, toAccessToken } from '../access-token.js';
import { IronSecretsError } from '../errors.js';
import { newAccessToken, tokenMac } from '../lib/access-token.js';
import { tokenSubject } from '../lib/audit-subjects.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** What a new token may do (RULINGS R7). */
export interface CreateTokenOptions {
  readonly role: Role;
  /** The environments it reaches; omitted, all (not allowed for agents, who need their own). */
  readonly environments?: readonly Environment[] | undefined;
  /** The agent's identity, recorded in the audit log of everything the token does. */
  readonly agentId?: string | undefined;
  /** Secret-name patterns it reaches (`*` wildcards); omitted, all. */
  readonly secrets?: readonly string[] | undefined;
  /** When it stops working; omitted, never. */
  readonly expiresAt?: Date | undefined;
  /** Who creates it; omitted, admin. Only an unscoped admin may. */
  readonly requester?: RequesterInput | undefined;
}

/** A new token: the token itself (shown once, never stored) and its listed form. */
export interface CreatedToken extends AccessToken {
  readonly token: string;
}

export async function createToken(
  context: ManagerContext,
  options: CreateTokenOptions,
): Promise<CreatedToken> {
  const requester = toRequester(options?.requester);
  if (typeof options !== 'object' || options === null) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      'createToken needs { role, environments?, agentId?, secrets?, expiresAt? }',
    );
  }
  // The token's own role and scope are checked exactly like a requester's: it will become one.
  const scope = toRequester({
    role: options.role,
    agentId: options.agentId,
    environments: options.environments,
    secrets: options.secrets,
  });
  if (scope.environments?.length === 0 || scope.secrets?.length === 0) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      'an empty environment or secret scope reaches nothing; omit it to mean all',
    );
  }
  // R7: an agent reaches only its own environment. A token that silently reached all of them
  // would be the wrong default for the one role that runs unattended.
  if (scope.role === 'agent' && scope.environments === undefined) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      'an agent token must name the environments it may read (like production)',
    );
  }
  const now = context.now();
  const expiresAt = expiry(options.expiresAt, now);

  const { id, token, tokenHash } = newAccessToken();
  const facts: AuditFacts = {
    requester,
    operation: AuditOperation.Create,
    secretName: tokenSubject(id),
    environment: null,
  };
  await authorizeOrRefuse(context, facts, Operation.Administer, {});
  const fields: Omit<AccessTokenRow, 'mac'> = {
    id,
    tokenHash,
    role: scope.role,
    agentId: scope.agentId ?? null,
    environments: scope.environments ?? null,
    secretPatterns: scope.secrets ?? null,
    createdAt: now,
    createdBy: requester.id ?? requester.agentId ?? null,
    expiresAt,
    revokedAt: null,
  };
  const row: AccessTokenRow = { ...fields, mac: tokenMac(context.auditChainKey, fields) };
  await context.storage.transaction(async (tx) => {
    await tx.tokens.insert(row);
    await appendAudit(context, tx, [auditRecord(context, facts)]);
  });
  return { ...toAccessToken(row, now), token };
}

function expiry(expiresAt: Date | undefined, now: number): number | null {
  if (expiresAt === undefined) return null;
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
    throw new IronSecretsError('INVALID_ARGUMENT', 'expiresAt must be a valid Date');
  }
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  if (seconds <= now) throw new IronSecretsError('INVALID_ARGUMENT', 'expiresAt must be in the future');
  return seconds;
}
