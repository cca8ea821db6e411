/**
 * @module verify-audit-log
 * R3: proving the audit trail is intact, page by page, so a log of millions of entries is checked
 * in bounded memory.
 */
import { AuditChainVerifier, type ChainVerification } from '@iron/secrets-audit';
import { Operation } from '@iron/secrets-rbac';
import { authorizeOrThrow } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

const PAGE = 5_000;

/** The outcome of `verifyAuditLog`: `ok`, how many entries were checked, and the first bad one. */
export type AuditVerification = ChainVerification;

export async function verifyAuditLog(
  context: ManagerContext,
  options: { requester?: RequesterInput | undefined } = {},
): Promise<AuditVerification> {
  const requester = toRequester(options.requester);
  authorizeOrThrow(requester, Operation.ReadAudit);
  const anchor = await context.storage.transaction((tx) => tx.audit.anchor(), { readOnly: true });
  const verifier = new AuditChainVerifier(context.auditChainKey, anchor ?? null);
  let afterId = 0;
  for (;;) {
    const page = await context.storage.transaction((tx) => tx.audit.query({ afterId, limit: PAGE }), {
      readOnly: true,
    });
    for (const entry of page) {
      if (!verifier.push(entry)) return verifier.result();
    }
    if (page.length < PAGE) return verifier.result();
    afterId = page.at(-1)!.id;
  }
}
