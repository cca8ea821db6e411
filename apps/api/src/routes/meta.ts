/**
 * @module meta
 * The API's own description at `/api/openapi.json` (generated from the schemas that validate
 * requests; like every `/api/*` route it needs a token), and a reference page at `/docs` (no
 * token) that reads it with the token the panel keeps.
 */
import type { ApiApp } from '../app.js';

export function registerMetaRoutes(app: ApiApp): void {
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
  app.get('/docs', (c) => c.html(REFERENCE_PAGE));
}

/** A self-contained reference page: it renders the OpenAPI document with a small script of its own. */
const REFERENCE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Iron Secrets API</title>
<link rel="stylesheet" href="/panel/panel.css"></head>
<body><main><h1>Iron Secrets API</h1>
<p>The OpenAPI 3.1 document is <code>/api/openapi.json</code> (with a token). Sign in on <a href="/">the panel</a> to list the routes here.</p>
<div id="routes"></div></main><script src="/panel/api-docs.js"></script></body></html>`;
