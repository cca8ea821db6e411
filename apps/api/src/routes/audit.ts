/**
 * @module audit
 * The audit trail over HTTP: entries oldest first (admins and viewers: auditors are viewers), and
 * the hash-chain check.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { auditEntryJson, type SecretsManager } from '@iron/secrets-core';
import type { ApiApp } from '../app.js';
import { AuditEntry, AuditQuery, ErrorBody, Verification } from '../schemas.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const security = [{ bearer: [] }];

export function registerAuditRoutes(app: ApiApp, manager: SecretsManager): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/secrets/audit',
      security,
      request: { query: AuditQuery },
      responses: {
        200: json(z.array(AuditEntry), 'entries, oldest first'),
        400: json(ErrorBody, 'invalid request'),
        401: json(ErrorBody, 'no or invalid token'),
        403: json(ErrorBody, 'agents may not read the audit log'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const entries = await manager.auditLog({
        secretName: query.secret_name,
        environment: query.environment,
        since: query.since === undefined ? undefined : new Date(query.since),
        limit: query.limit === undefined ? undefined : Number(query.limit),
        requester: c.get('requester'),
      });
      return c.json(entries.map(auditEntryJson), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/secrets/audit/verify',
      security,
      responses: {
        200: json(Verification, 'the verification'),
        401: json(ErrorBody, 'no or invalid token'),
        403: json(ErrorBody, 'agents may not read the audit log'),
      },
    }),
    async (c) => {
      const result = await manager.verifyAuditLog({ requester: c.get('requester') });
      return c.json({ ok: result.ok, entries: result.entries, first_bad_id: result.firstBadId ?? null }, 200);
    },
  );
}
