/**
 * @module audit-stream
 * `GET /api/secrets/audit/stream`: the audit trail as server-sent events, as it is written
 * (issue 14, finding 5), for a SIEM. Each event is one entry, the same JSON as
 * `GET /api/secrets/audit` returns, never a value; its `id:` is the entry's id, so a client that
 * reconnects with `Last-Event-ID` (as EventSource does) resumes after it, as `?after=ID` does.
 * Without either, only entries committed from now on are sent. Admins and viewers (auditors are
 * viewers); agents are refused. The stream ends when its token is revoked or expires.
 */

import { z } from '@hono/zod-openapi';
import { auditEntryJson, type SecretsManager } from '@iron/secrets-core';
import type { ApiApp } from '../app.js';
import { auditFilters } from '../audit-filters.js';
import { errorJson } from '../error-response.js';
import { AuditStreamQuery, BEARER, ErrorBody, jsonResponse } from '../schemas.js';
import { TokenStream } from '../token-stream.js';

/** An entry id as a client sends it back: a whole number, at most 2^53 - 1. */
const ENTRY_ID = /^\d{1,16}$/;

export function registerAuditStreamRoute(app: ApiApp, manager: SecretsManager, closing?: AbortSignal): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/secrets/audit/stream',
    security: BEARER,
    request: {
      query: AuditStreamQuery,
      headers: z.object({ 'last-event-id': z.string().optional() }),
    },
    responses: {
      200: {
        description:
          'text/event-stream: `event: audit.entry`, `id: <entry id>`, `data: <the entry as in GET /api/secrets/audit>`; keep-alive comments; `event: token.revoked|token.expired|token.invalid` last when the token ends',
      },
      400: jsonResponse(ErrorBody, 'invalid request'),
      401: jsonResponse(ErrorBody, 'no or invalid token'),
      403: jsonResponse(ErrorBody, 'agents may not read the audit log'),
    },
  });
  app.get('/api/secrets/audit/stream', async (c) => {
    const parsed = AuditStreamQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const field = parsed.error.issues[0]?.path.join('.') || 'request';
      const code =
        field === 'secret_name'
          ? 'INVALID_SECRET_NAME'
          : field === 'environment'
            ? 'INVALID_ENVIRONMENT'
            : 'INVALID_REQUEST';
      return errorJson(
        c,
        400,
        code,
        `${field}: ${(parsed.error.issues[0]?.message ?? 'invalid').slice(0, 200)}`,
      );
    }
    // EventSource reconnects to the same URL with Last-Event-ID: the header is the newer position.
    const resumeFrom = c.req.header('last-event-id') ?? parsed.data.after;
    const afterId = resumeFrom === undefined ? undefined : Number(resumeFrom);
    if (resumeFrom !== undefined && (!ENTRY_ID.test(resumeFrom) || !Number.isSafeInteger(afterId))) {
      return errorJson(
        c,
        400,
        'INVALID_REQUEST',
        'after (or Last-Event-ID) must be an audit entry id, a whole number',
      );
    }
    const life = await TokenStream.open(c, manager, closing);
    let follow: Awaited<ReturnType<SecretsManager['followAuditLog']>>;
    try {
      follow = await manager.followAuditLog({
        ...auditFilters(parsed.data),
        afterId,
        requester: c.get('requester'),
        signal: life.signal,
      });
    } catch (error) {
      await life.cancel();
      throw error; // ACCESS_DENIED for an agent: 403
    }
    return life.respond(
      c,
      async (stream) => {
        try {
          for await (const batch of follow) {
            if (!(await life.tokenValid())) break;
            for (const entry of batch) {
              if (life.signal.aborted) break;
              await stream.writeSSE({
                id: String(entry.id),
                event: 'audit.entry',
                data: JSON.stringify(auditEntryJson(entry)),
              });
            }
          }
        } catch {
          // the manager is closing or the database went away: end; the client resumes by id
        }
      },
      () => follow.close(),
    );
  });
}
