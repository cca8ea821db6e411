/**
 * @module list-tokens
 * Every access token, oldest first: ids, roles, scopes and status; never a token.
 */
import { Operation } from '@iron/secrets-rbac';
import { type AccessToken, toAccessToken } from '../access-token.js';
import { authorizeOrThrow } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

export async function listTokens(
  context: ManagerContext,
  options: { requester?: RequesterInput | undefined } = {},
): Promise<AccessToken[]> {
  authorizeOrThrow(toRequester(options.requester), Operation.Administer);
  const rows = await context.storage.transaction((tx) => tx.tokens.list(), { readOnly: true });
  const now = context.now();
  return rows.map((row) => toAccessToken(row, now));
}
