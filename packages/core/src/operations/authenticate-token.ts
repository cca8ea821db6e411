/**
 * @module authenticate-token
 * Turning a presented access token into the requester it stands for (RULINGS R7). The hash is
 * compared in constant time, and only after it matches are revocation and expiry told apart, so
 * someone without a valid token learns nothing but "invalid".
 *
 * A refusal that names an existing token (a wrong secret part, a revoked or expired token, a row
 * whose MAC does not verify: the forged-token attack of issue 14) is an audit entry: it is an
 * attempt on a known identity, and an auditor must see it. Anything else (malformed, unknown id)
 * is only counted: a flood of garbage must not grow the log.
 */
import { AuditOperation } from '@iron/secrets-audit';
import type { Requester } from '@iron/secrets-rbac';
import type { AccessTokenRow } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { tokenId, tokenMatches, tokenRowIntact } from '../lib/access-token.js';
import { tokenSubject } from '../lib/audit-subjects.js';
import { refuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { toRequester } from '../requester-input.js';

/** Longest string even looked at: a real token is 66 characters. */
const MAX_TOKEN_LENGTH = 256;

export async function authenticateToken(context: ManagerContext, token: string): Promise<Requester> {
  const id = typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH ? tokenId(token) : undefined;
  if (id === undefined) throw counted(context, 'it is not an Iron Secrets access token (iron_<id>_<secret>)');
  const row = await context.storage.transaction((tx) => tx.tokens.find(id), { readOnly: true });
  if (!row) throw counted(context, 'no such token');
  if (!tokenMatches(token, row.tokenHash)) return refuseFor(context, row, 'no such token');
  // A row minted, widened, re-scoped or un-expired without the master key: refused. A revoked row
  // put back as it was before its revocation carries a genuine MAC until the next master-key
  // rotation re-keys the rows: `audit verify` finds it (the trail revoked it).
  if (!tokenRowIntact(context.auditChainKey, row)) {
    return refuseFor(
      context,
      row,
      `token ${id}'s record does not verify (written by a version before 0.2, keyed before a master-key rotation, or altered in the database): create a new token`,
    );
  }
  if (row.revokedAt !== null) return refuseFor(context, row, `token ${id} was revoked`);
  if (row.expiresAt !== null && row.expiresAt <= context.now())
    return refuseFor(context, row, `token ${id} has expired`);
  // Re-checked as a requester: a scope damaged in the database fails here instead of widening.
  return toRequester({
    role: row.role,
    id: row.id,
    agentId: row.agentId ?? undefined,
    environments: (row.environments ?? undefined) as Requester['environments'],
    secrets: row.secretPatterns ?? undefined,
  });
}

/** Audits the refused use of an existing token, as the identity it claimed, then throws. */
function refuseFor(context: ManagerContext, row: AccessTokenRow, reason: string): Promise<never> {
  return refuse(
    context,
    {
      // The claimed identity, unscoped: the entry records who was impersonated, it grants nothing.
      // Built directly, not validated: a forged row's fields must still be recorded, not throw.
      requester: { role: row.role, id: row.id, agentId: row.agentId ?? undefined },
      operation: AuditOperation.Read,
      secretName: tokenSubject(row.id),
      environment: null,
    },
    invalid(reason),
  );
}

function counted(context: ManagerContext, reason: string): IronSecretsError {
  context.counters.rejectedTokens += 1;
  return invalid(reason);
}

function invalid(reason: string): IronSecretsError {
  return new IronSecretsError('INVALID_TOKEN', `the access token was refused: ${reason}`);
}
