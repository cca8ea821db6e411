/**
 * @module route-reserved-names
 * Names a new secret may not have because the HTTP API uses them for routes of its own. A secret
 * is read at `GET /api/secrets/{name}`, and the API also serves `GET /api/secrets/audit` (the
 * audit trail) and `GET /api/secrets/events` (change events): a secret named `audit` would be
 * stored, but every read of it over HTTP would reach the audit route instead. Refusing the name
 * where secrets are written (create, set, import, update) keeps the CLI and the API in step.
 *
 * This is the canonical list; the API registers its routes from it (`apps/api`, which may import
 * core but not the other way round), and a test there walks every registered route under
 * `/api/secrets/` and fails when the first segment after it is a literal not listed here, so a
 * route added later cannot shadow a name unnoticed. Only that first segment matters: a secret's
 * name is exactly one path segment, so deeper literals (`/audit/verify`) shadow nothing.
 *
 * Compared exactly, not ignoring case: secret names are case-sensitive (`audit` and `AUDIT` are
 * two secrets) and so is the router, whose routes are lower case, so `GET /api/secrets/AUDIT`
 * reads the secret `AUDIT`; refusing it would take a name from users for nothing.
 *
 * Unlike the names of `reserved-names.ts`, these are harmless in an agent's environment: a row
 * stored under one before this rule is still read, listed, injected, exported and deleted by the
 * library and the CLI; only a new one is refused.
 */

/**
 * The path segments the API's routes use directly under `/api/secrets/`.
 *
 * @example
 * ```ts
 * ROUTE_RESERVED_NAMES.includes('audit'); // true
 * ```
 */
export const ROUTE_RESERVED_NAMES: readonly string[] = Object.freeze(['audit', 'events']);

const ROUTE_NAMES: ReadonlySet<string> = new Set(ROUTE_RESERVED_NAMES);

/**
 * Whether `name` is a path segment of the API's routes under `/api/secrets/` (case-sensitive).
 *
 * @example
 * ```ts
 * isRouteReservedName('events'); // true
 * isRouteReservedName('EVENTS'); // false: the routes are lower case
 * ```
 */
export function isRouteReservedName(name: string): boolean {
  return ROUTE_NAMES.has(name);
}
