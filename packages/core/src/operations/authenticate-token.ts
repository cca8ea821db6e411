/**
 * @module authenticate-token
 * Turning a presented access token into the requester it stands for (RULINGS R7). The hash is
 * compared in constant time, and only after it matches are revocation and expiry told apart, so
 * someone without a valid token learns nothing but "invalid".
 */
import type { Requester } from '@iron/secrets-rbac';
import { IronSecretsError } from '../errors.js';
import { tokenId, tokenMatches, tokenRowIntact } from '../lib/access-token.js';
import type { ManagerContext } from '../lib/context.js';
import { toRequester } from '../requester-input.js';

/** Longest string even looked at: a real token is 66 characters. */
const MAX_TOKEN_LENGTH = 256;

export async function authenticateToken(context: ManagerContext, token: string): Promise<Requester> {
  const id = typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH ? tokenId(token) : undefined;
  if (id === undefined) throw invalid('it is not an Iron Secrets access token (iron_<id>_<secret>)');
  const row = await context.storage.transaction((tx) => tx.tokens.find(id), { readOnly: true });
  if (!row || !tokenMatches(token, row.tokenHash)) throw invalid('no such token');
  // A row minted, widened, re-scoped, un-expired or un-revoked without the master key: refused.
  if (!tokenRowIntact(context.auditChainKey, row)) {
    throw invalid(
      `token ${id}'s record does not verify (written by a version before 0.2, or altered in the database): create a new token`,
    );
  }
  if (row.revokedAt !== null) throw invalid(`token ${id} was revoked`);
  if (row.expiresAt !== null && row.expiresAt <= context.now()) throw invalid(`token ${id} has expired`);
  // Re-checked as a requester: a scope damaged in the database fails here instead of widening.
  return toRequester({
    role: row.role,
    id: row.id,
    agentId: row.agentId ?? undefined,
    environments: (row.environments ?? undefined) as Requester['environments'],
    secrets: row.secretPatterns ?? undefined,
  });
}

function invalid(reason: string): IronSecretsError {
  return new IronSecretsError('INVALID_TOKEN', `the access token was refused: ${reason}`);
}
