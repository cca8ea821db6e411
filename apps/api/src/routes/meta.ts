/**
 * @module meta
 * The API's own description at `/api/openapi.json` (generated from the schemas that validate
 * requests; like every `/api/*` route it needs a token), and a reference page at `/docs` (no
 * token) that reads it with the token the panel keeps.
 */
import { z } from '@hono/zod-openapi';
import type { ApiApp } from '../app.js';
import { describeOperations } from '../openapi-operations.js';

const DOCUMENT_CONFIG = {
  openapi: '3.1.0',
  info: {
    title: 'Iron Secrets API',
    version: '0.1.0',
    description:
      'Secrets for AI agents. Every /api route needs `Authorization: Bearer <token>` (from `iron-secrets token create`). Errors are `{ "error": { "code", "message" } }`; a 503 carries Retry-After. A refusal sent before the request body was read (413, 401, 415, 429) closes the connection.',
  },
} as const;

const Health = z.object({
  ok: z.boolean(),
  database: z.enum(['reachable', 'unreachable', 'unknown']),
  masterKey: z.enum(['current', 'rotated', 'unknown']),
  code: z.string().optional(),
  reason: z.string().optional(),
});

export function registerMetaRoutes(app: ApiApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'an access token from `iron-secrets token create`',
  });
  // The public health checks are part of the contract too (no token: `security: []`).
  for (const path of ['/healthz', '/livez'] as const) {
    app.openAPIRegistry.registerPath({
      method: 'get',
      path,
      security: [],
      responses: { 200: { content: { 'application/json': { schema: Health } }, description: 'healthy' } },
    });
  }
  // Generated once, on first request (every route is registered by then), then completed with
  // each operation's summary, description, statuses and examples.
  let document: unknown;
  app.get('/api/openapi.json', (c) => {
    document ??= describeOperations(app.getOpenAPI31Document(DOCUMENT_CONFIG));
    return c.json(document);
  });
  app.get('/docs', (c) => c.html(REFERENCE_PAGE));
}

/**
 * A reference page of our own: it renders the OpenAPI document with a small script and the panel's
 * style sheet (`panel/api-docs.js`), nothing inline, so it lives under the panel's strict CSP.
 * Scalar and Swagger UI need inline styles, and the panel's token is in this origin's
 * sessionStorage: a third-party script here could read it.
 */
const REFERENCE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Iron Secrets API</title>
<link rel="stylesheet" href="/panel/panel.css"></head>
<body class="api-docs"><main><h1>Iron Secrets API</h1>
<p>The OpenAPI 3.1 document is <code>/api/openapi.json</code> (with a token). Sign in on <a href="/">the panel</a> to read it here.</p>
<div id="info"></div><ul id="contents"></ul>
<div id="routes"></div></main><script src="/panel/api-docs.js"></script></body></html>`;
