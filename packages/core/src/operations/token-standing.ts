/**
 * @module token-standing
 * Whether access tokens are still good, read by id: what an open event stream re-checks. The
 * verdict is authentication's (a row that does not verify under the chain key, a revoked one or
 * an expired one is refused), but it needs no token (the stream proved it held one when it
 * opened) and audits nothing: it is the server asking, not a client presenting a token.
 */
import type { AccessTokenRow } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { TOKEN_ID_PATTERN, tokenRowIntact } from '../lib/access-token.js';
import type { ManagerContext } from '../lib/context.js';

/** Why a token stopped being valid; `invalid` is a row that is missing or does not verify. */
export type TokenEndReason = 'revoked' | 'expired' | 'invalid';

/** A token's standing now: valid (until `expiresAt`, unix seconds, if set), or why not. */
export type TokenStanding =
  | { readonly valid: true; readonly expiresAt: number | null }
  | { readonly valid: false; readonly reason: TokenEndReason };

/** The standing of each token id, read in one read-only transaction. */
export async function tokenStandings(
  context: ManagerContext,
  ids: readonly string[],
): Promise<Map<string, TokenStanding>> {
  for (const id of ids) {
    if (typeof id !== 'string' || !TOKEN_ID_PATTERN.test(id)) {
      throw new IronSecretsError('INVALID_ARGUMENT', 'a token id is 12 hexadecimal digits');
    }
  }
  const rows = await context.storage.transaction(
    async (tx) => {
      const found: (AccessTokenRow | undefined)[] = [];
      for (const id of ids) found.push(await tx.tokens.find(id));
      return found;
    },
    { readOnly: true },
  );
  const now = context.now();
  return new Map(ids.map((id, index) => [id, standingOf(context, rows[index], now)]));
}

function standingOf(context: ManagerContext, row: AccessTokenRow | undefined, now: number): TokenStanding {
  // A row edited in the database (un-revoked, its expiry moved) fails its MAC, as it would at
  // authentication: the stream ends rather than trust it.
  if (!row || !tokenRowIntact(context.auditChainKey, row)) return { valid: false, reason: 'invalid' };
  if (row.revokedAt !== null) return { valid: false, reason: 'revoked' };
  if (row.expiresAt !== null && row.expiresAt <= now) return { valid: false, reason: 'expired' };
  return { valid: true, expiresAt: row.expiresAt };
}
