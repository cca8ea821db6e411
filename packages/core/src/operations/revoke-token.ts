/**
 * @module revoke-token
 * Revoking an access token: it stops working at once, in every process (each request looks the
 * token up), and the revocation is announced on the change feed so that event streams opened
 * with it end on every instance (see token-watch). Audited as a DELETE of `token:<id>`. Revoking
 * a revoked token changes nothing.
 */
import { AuditOperation } from '@iron/secrets-audit';
import { Operation } from '@iron/secrets-rbac';
import { IronSecretsError } from '../errors.js';
import { TOKEN_ID_PATTERN, tokenMac } from '../lib/access-token.js';
import { tokenSubject } from '../lib/audit-subjects.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** `revoked` when this call revoked it, `already-revoked` when it had been before. */
export type RevokeTokenResult = 'revoked' | 'already-revoked';

export async function revokeToken(
  context: ManagerContext,
  id: string,
  options: { requester?: RequesterInput | undefined } = {},
): Promise<RevokeTokenResult> {
  const requester = toRequester(options.requester);
  if (typeof id !== 'string' || !TOKEN_ID_PATTERN.test(id)) {
    // Not echoed: a whole token pasted where its id belongs must not reach a message or the log.
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      'a token id is 12 hexadecimal digits (see the token list); pass the id, not the token',
    );
  }
  const facts: AuditFacts = {
    requester,
    operation: AuditOperation.Delete,
    secretName: tokenSubject(id),
    environment: null,
  };
  await authorizeOrRefuse(context, facts, Operation.Administer, {});
  const outcome = await context.storage.transaction(async (tx) => {
    const row = await tx.tokens.find(id);
    if (!row) return 'missing' as const;
    if (row.revokedAt !== null) return 'already-revoked' as const;
    const revokedAt = context.now();
    await tx.tokens.revoke(id, revokedAt, tokenMac(context.auditChainKey, { ...row, revokedAt }));
    await appendAudit(context, tx, [auditRecord(context, facts)]);
    // Streams opened with the token are open on any instance: each learns of it from the feed.
    await tx.changes.announce();
    return 'revoked' as const;
  });
  if (outcome === 'missing') {
    return refuse(
      context,
      facts,
      new IronSecretsError('TOKEN_NOT_FOUND', `no access token has the id ${id}`),
    );
  }
  return outcome;
}
