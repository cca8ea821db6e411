/**
 * @module session
 * `GET /api/session`: who the presented token is (role, agent id, scope, token id). The panel
 * uses it to show the actions the token's role allows.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../app.js';
import { BEARER, ErrorBody } from '../schemas.js';

const Session = z
  .object({
    role: z.enum(['admin', 'viewer', 'agent']),
    token_id: z.string(),
    agent_id: z.string().nullable(),
    environments: z.array(z.string()).nullable(),
    secrets: z.array(z.string()).nullable(),
  })
  .openapi('Session');

export function registerSessionRoute(app: ApiApp): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/session',
      security: BEARER,
      responses: {
        200: { content: { 'application/json': { schema: Session } }, description: 'the token' },
        401: { content: { 'application/json': { schema: ErrorBody } }, description: 'no or invalid token' },
      },
    }),
    (c) => {
      const requester = c.get('requester');
      return c.json(
        {
          role: requester.role,
          token_id: c.get('tokenId'),
          agent_id: requester.agentId ?? null,
          environments: requester.environments ? [...requester.environments] : null,
          secrets: requester.secrets ? [...requester.secrets] : null,
        },
        200,
      );
    },
  );
}
