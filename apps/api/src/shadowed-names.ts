/**
 * @module shadowed-names
 * A secret is read at `GET /api/secrets/{name}`, so a route of the API's own directly under
 * `/api/secrets/` (`/api/secrets/audit`) shadows the secret of that name: it could be stored but
 * never read over HTTP. The library refuses such names (core's `ROUTE_RESERVED_NAMES`, the one
 * list, kept in core because the CLI writes secrets too and core may not import the API); here
 * {@link createApi} checks, once its routes are registered, that each such segment is on that
 * list, and refuses to start otherwise: a route added later cannot shadow a name unnoticed.
 */
import { isRouteReservedName } from '@iron/secrets-core';
import type { Hono } from 'hono';

/** Where the secret routes live; a secret's name is the one path segment after it. */
export const SECRETS_PREFIX = '/api/secrets/';

/**
 * The literal first segments after {@link SECRETS_PREFIX} of the app's routes (`audit`,
 * `events`). Only the first segment matters: a name is exactly one segment, so a deeper literal
 * (`/api/secrets/audit/verify`) shadows no secret. Route paths are compared as registered: the
 * router matches case-sensitively, so `/api/secrets/AUDIT` is the secret `AUDIT`.
 */
// biome-ignore lint/suspicious/noExplicitAny: any app's routes, whatever its environment
export function secretsRouteSegments(app: Hono<any, any, any>): string[] {
  const segments = new Set<string>();
  for (const route of app.routes) {
    if (!route.path.startsWith(SECRETS_PREFIX)) continue;
    const first = route.path.slice(SECRETS_PREFIX.length).split('/')[0] ?? '';
    // `:name` is the secret itself; `*` is middleware over everything under the prefix.
    if (first === '' || first === '*' || first.startsWith(':')) continue;
    segments.add(first);
  }
  return [...segments];
}

/** Throws unless every route segment under /api/secrets/ is a name the library refuses to store. */
// biome-ignore lint/suspicious/noExplicitAny: any app's routes, whatever its environment
export function assertNoShadowedNames(app: Hono<any, any, any>): void {
  const unlisted = secretsRouteSegments(app).filter((segment) => !isRouteReservedName(segment));
  if (unlisted.length > 0) {
    throw new Error(
      `routes under ${SECRETS_PREFIX} shadow secrets named ${unlisted.join(', ')}: add them to ROUTE_RESERVED_NAMES in packages/core/src/route-reserved-names.ts`,
    );
  }
}
