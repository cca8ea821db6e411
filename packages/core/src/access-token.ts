/**
 * @module access-token-metadata
 * What listing tokens shows about one: its id, role and scope, never the token.
 */
import type { Environment, Role } from '@iron/secrets-rbac';
import type { AccessTokenRow } from '@iron/secrets-storage';

/** Whether a token can still be used. */
export type AccessTokenStatus = 'active' | 'expired' | 'revoked';

/**
 * An access token as listed: everything but the token itself, which exists only in what
 * `createToken` returned once.
 *
 * @example
 * ```ts
 * for (const token of await manager.listTokens()) console.log(token.id, token.role, token.status);
 * ```
 */
export interface AccessToken {
  readonly id: string;
  readonly role: Role;
  readonly agentId: string | null;
  /** The environments it reaches; `null` for all. */
  readonly environments: readonly Environment[] | null;
  /** The secret-name patterns it reaches; `null` for all. */
  readonly secrets: readonly string[] | null;
  readonly createdAt: Date;
  readonly createdBy: string | null;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly status: AccessTokenStatus;
}

/** The listed form of a stored token at unix time `now`. */
export function toAccessToken(row: AccessTokenRow, now: number): AccessToken {
  const status: AccessTokenStatus =
    row.revokedAt !== null
      ? 'revoked'
      : row.expiresAt !== null && row.expiresAt <= now
        ? 'expired'
        : 'active';
  return {
    id: row.id,
    role: row.role,
    agentId: row.agentId,
    environments: row.environments as readonly Environment[] | null,
    secrets: row.secretPatterns,
    createdAt: new Date(row.createdAt * 1000),
    createdBy: row.createdBy,
    expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt * 1000),
    revokedAt: row.revokedAt === null ? null : new Date(row.revokedAt * 1000),
    status,
  };
}
