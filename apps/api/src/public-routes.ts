/**
 * @module public-routes
 * Authentication is the default: every request needs a bearer token unless its path is on the
 * short list below. A route added later is protected without anyone remembering to protect it,
 * and an unknown `/api` path answers 401 to a stranger (not 404, which would tell them which
 * routes exist). `auth-by-default.test.ts` checks that every registered route outside this list
 * refuses a request without a token.
 */
import type { Env, MiddlewareHandler } from 'hono';

/**
 * The paths that answer without a token: the health checks (load balancers and orchestrators
 * hold no token), the panel and its static files (they hold no data; the panel asks for a token
 * before it calls the API) and the reference page (it reads the OpenAPI document with the panel's
 * token). Nothing under `/api`.
 */
export const PUBLIC_ROUTES: readonly string[] = [
  '/healthz',
  '/livez',
  '/',
  '/panel/panel.js',
  '/panel/api-docs.js',
  '/panel/panel.css',
  '/docs',
];

const PUBLIC_PATHS: ReadonlySet<string> = new Set(PUBLIC_ROUTES);

/**
 * `authenticate` for every request except a GET (or HEAD) of a public path. The path is the one
 * the router matches (Hono decodes both the same way), so no spelling of a protected route
 * reaches it as public.
 */
export function unlessPublic<E extends Env>(authenticate: MiddlewareHandler<E>): MiddlewareHandler<E> {
  return (c, next) =>
    (c.req.method === 'GET' || c.req.method === 'HEAD') && PUBLIC_PATHS.has(c.req.path)
      ? next()
      : authenticate(c, next);
}
