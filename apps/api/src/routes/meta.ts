/**
 * @module meta
 * What needs no token: `/healthz`, and the API's own description (`/api/openapi.json`, generated
 * from the schemas that validate requests, and a reference page at `/api/docs`).
 */
import type { ApiApp } from '../app.js';

export function registerMetaRoutes(app: ApiApp): void {
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'an access token from `iron-secrets token create`',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Iron Secrets API',
      version: '0.1.0',
      description:
        'Secrets for AI agents. Every /api/secrets route needs `Authorization: Bearer <token>`. Errors are `{ "error": { "code", "message" } }`.',
    },
  });
  app.get('/api/docs', (c) => c.html(REFERENCE_PAGE));
}

/** A self-contained reference page: it renders the OpenAPI document with a small script of its own. */
const REFERENCE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Iron Secrets API</title>
<link rel="stylesheet" href="/panel/panel.css"></head>
<body><main><h1>Iron Secrets API</h1><p>The OpenAPI 3.1 document: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<div id="routes"></div></main><script src="/panel/api-docs.js"></script></body></html>`;
