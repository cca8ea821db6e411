/**
 * @module audit
 * The audit trail over HTTP (admins and viewers: auditors are viewers), and the hash-chain check.
 * Paging is the library's and the CLI's rule: `limit` alone gives the newest entries, `before=ID`
 * the newest older than it, `after=ID` the oldest newer than it; always shown oldest first.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { auditEntryJson, type SecretsManager } from '@iron/secrets-core';
import type { ApiApp } from '../app.js';
import { auditFilters } from '../audit-filters.js';
import { AuditEntry, AuditQuery, BEARER, ErrorBody, jsonResponse, Verification } from '../schemas.js';

export function registerAuditRoutes(app: ApiApp, manager: SecretsManager): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/secrets/audit',
      security: BEARER,
      request: { query: AuditQuery },
      responses: {
        200: jsonResponse(
          z.array(AuditEntry),
          'the newest matching entries (or the page before/after an id), oldest first',
        ),
        400: jsonResponse(ErrorBody, 'invalid request'),
        401: jsonResponse(ErrorBody, 'no or invalid token'),
        403: jsonResponse(ErrorBody, 'agents may not read the audit log'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const entries = await manager.auditLog({
        ...auditFilters(query),
        since: query.since === undefined ? undefined : new Date(query.since),
        until: query.until === undefined ? undefined : new Date(query.until),
        limit: query.limit === undefined ? undefined : Number(query.limit),
        beforeId: query.before === undefined ? undefined : Number(query.before),
        afterId: query.after === undefined ? undefined : Number(query.after),
        requester: c.get('requester'),
      });
      return c.json(entries.map(auditEntryJson), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/secrets/audit/verify',
      security: BEARER,
      responses: {
        200: jsonResponse(Verification, 'the verification'),
        401: jsonResponse(ErrorBody, 'no or invalid token'),
        403: jsonResponse(ErrorBody, 'agents may not read the audit log'),
      },
    }),
    async (c) => {
      const result = await manager.verifyAuditLog({ requester: c.get('requester') });
      return c.json({ ok: result.ok, entries: result.entries, first_bad_id: result.firstBadId ?? null }, 200);
    },
  );
}
