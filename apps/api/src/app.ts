/**
 * @module app
 * The HTTP API as a Hono app, over one SecretsManager: the spec's routes under `/api/secrets`,
 * bearer tokens on every route but a few public ones, JSON errors, security headers, an access
 * log, health checks, the OpenAPI 3.1 document.
 */
import type { IncomingMessage } from 'node:http';
import { OpenAPIHono } from '@hono/zod-openapi';
import { DEFAULT_MAX_VALUE_BYTES, type SecretsManager } from '@iron/secrets-core';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { routePath } from 'hono/route';
import { secureHeaders } from 'hono/secure-headers';
import { type AuthVariables, bearerAuth, FailureLimiter } from './auth.js';
import { errorJson, errorResponse } from './error-response.js';
import { refuseDuplicateJsonKeys } from './json-body.js';
import { unlessPublic } from './public-routes.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerAuditStreamRoute } from './routes/audit-stream.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetaRoutes } from './routes/meta.js';
import { registerPanelRoutes } from './routes/panel.js';
import { registerSecretRoutes } from './routes/secrets.js';
import { registerSessionRoute } from './routes/session.js';
import { assertNoShadowedNames } from './shadowed-names.js';
import { StorageFailureLog } from './storage-failure-log.js';

/** The app's context: who is asking, once authenticated. */
export type ApiEnv = { Variables: AuthVariables };

/** The app as the routes see it. */
export type ApiApp = OpenAPIHono<ApiEnv>;

/**
 * The largest request body: a value at the library's limit, JSON-escaped at worst (six bytes per
 * character, `\u0000`), plus room for the name and environment.
 */
export const MAX_BODY_BYTES = DEFAULT_MAX_VALUE_BYTES * 6 + 4096;

/** Options of {@link createApi}. */
export interface ApiOptions {
  readonly manager: SecretsManager;
  /** Where access-log lines go (never a value or a token); default nowhere. */
  readonly log?: ((line: string) => void) | undefined;
  /** Authentication failures per address; for tests. */
  readonly limiter?: FailureLimiter | undefined;
  /** Aborted when the server shuts down: event streams end so that shutdown is not held open. */
  readonly closing?: AbortSignal | undefined;
}

/**
 * The API app. Mount it on any server; {@link startServer} serves it on Node.
 *
 * @example
 * ```ts
 * const app = createApi({ manager });
 * const response = await app.request('/healthz');
 * ```
 */
export function createApi(options: ApiOptions): ApiApp {
  const { manager } = options;
  const app: ApiApp = new OpenAPIHono<ApiEnv>({
    // Schema failures become the library's codes where one fits, and never echo the input.
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const field = issue?.path.join('.') || 'request';
      const code =
        field === 'name' || field === 'secret_name'
          ? 'INVALID_SECRET_NAME'
          : field === 'environment'
            ? 'INVALID_ENVIRONMENT'
            : 'INVALID_REQUEST';
      return errorJson(c, 400, code, `${field}: ${(issue?.message ?? 'invalid').slice(0, 200)}`);
    },
  });

  app.use('*', secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY }));
  app.use('*', closeIfAnsweredEarly);
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    const tokenId = c.get('tokenId') ?? '-';
    options.log?.(
      `${c.req.method} ${c.req.routePath} ${c.res.status} ${(performance.now() - started).toFixed(1)}ms token=${tokenId}`,
    );
  });
  // A storage failure is logged once per cause (in errorResponse), and its end once, here.
  const failures = new StorageFailureLog(options.log);
  app.use('*', async (c, next) => {
    await next();
    if (c.res.status < 500) failures.succeeded(`${c.req.method} ${routePath(c, -1)}`);
  });
  app.use('/api/*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    await next();
  });
  // Every route needs a token unless public-routes.ts lists it, before anything else is looked
  // at: a route added later is protected by default, and a stranger learns nothing (an unknown
  // `/api` path is 401, not 404).
  app.use('*', unlessPublic(bearerAuth(manager, options.limiter ?? new FailureLimiter())));
  app.use('/api/*', async (c, next) => {
    // One value per parameter: which of two would count is a place for confusion attacks.
    const params = new URL(c.req.url).searchParams;
    for (const key of new Set(params.keys())) {
      if (params.getAll(key).length > 1) {
        return errorJson(c, 400, 'INVALID_REQUEST', 'a query parameter is repeated; give each at most once');
      }
    }
    if (c.req.method === 'POST' || c.req.method === 'PUT') {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json(;|$)/i.test(type)) {
        return errorJson(c, 415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
      }
    }
    await next();
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        // The rest of the body is never read: this connection cannot carry another request.
        c.header('Connection', 'close');
        return errorJson(c, 413, 'PAYLOAD_TOO_LARGE', `the body may be at most ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  app.use('/api/*', refuseDuplicateJsonKeys);
  registerHealthRoutes(app, manager, options.log);
  registerMetaRoutes(app);
  registerSessionRoute(app);
  registerPanelRoutes(app);
  // The audit and events routes come before `/api/secrets/{name}`, which would shadow them.
  registerAuditRoutes(app, manager);
  registerEventRoutes(app, manager, options.closing);
  registerAuditStreamRoute(app, manager, options.closing);
  registerSecretRoutes(app, manager);
  assertNoShadowedNames(app);

  app.notFound((c) => errorJson(c, 404, 'NOT_FOUND', 'no such route; see /api/openapi.json'));
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      const status = error.status === 400 ? 400 : error.status;
      const code = status === 400 ? 'INVALID_JSON' : 'INVALID_REQUEST';
      return errorJson(
        c,
        status as 400,
        code,
        status === 400 ? 'the body is not valid JSON' : 'the request is invalid',
      );
    }
    return errorResponse(c, error, options.log, failures);
  });
  return app;
}

/**
 * `Connection: close` on an answer sent before the whole request has arrived: a refusal (401,
 * 413, 415, 429...) that does not wait for the body. The server stops reading such a body a
 * moment later and closes the connection; a keep-alive client told otherwise would send its next
 * request on a connection that is about to be cut, and that request would fail (undici:
 * UND_ERR_SOCKET) instead of going out on a fresh one. Told `close`, it opens a new connection.
 * Only on Node (`incoming` is @hono/node-server's request); `app.request` has no connection.
 */
const closeIfAnsweredEarly: MiddlewareHandler = async (c, next) => {
  await next();
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming !== undefined && !incoming.complete) c.res.headers.set('Connection', 'close');
};

/** The panel's policy: its own script and style only, no framing, no third parties. */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};
