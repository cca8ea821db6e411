/**
 * @module auth
 * Every request but the few public ones (`public-routes.ts`) carries `Authorization: Bearer
 * <token>` (RULINGS R7: the token decides role, agent id, environments and secret scope). The
 * library compares token hashes in constant time. Repeated failures from one address are answered
 * 429 for a while, without slowing anyone else down: guessing 256-bit tokens is hopeless anyway,
 * but a flood of guesses is not free.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import { isIronSecretsError, type Requester, type SecretsManager } from '@iron/secrets-core';
import type { MiddlewareHandler } from 'hono';
import { errorJson } from './error-response.js';

/** What authentication puts in the request's context. */
export interface AuthVariables {
  requester: Requester;
  /** The token's id (never the token), for the access log. */
  tokenId: string;
}

/** Failures an address may have in one window before it is refused. */
export const MAX_FAILURES = 20;
/** The window, in milliseconds. */
export const FAILURE_WINDOW_MS = 60_000;

/** Addresses remembered at most: an attacker with many addresses cannot grow the table without bound. */
const MAX_TRACKED_ADDRESSES = 10_000;

/** Counts authentication failures per address, in fixed windows. */
export class FailureLimiter {
  readonly #failures = new Map<string, { count: number; windowStart: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Milliseconds until `address` may try again, or 0 when it may now. */
  retryAfter(address: string): number {
    const entry = this.#failures.get(address);
    if (entry === undefined) return 0;
    const elapsed = this.#now() - entry.windowStart;
    if (elapsed >= FAILURE_WINDOW_MS) {
      this.#failures.delete(address);
      return 0;
    }
    return entry.count >= MAX_FAILURES ? FAILURE_WINDOW_MS - elapsed : 0;
  }

  fail(address: string): void {
    const now = this.#now();
    const entry = this.#failures.get(address);
    if (entry === undefined || now - entry.windowStart >= FAILURE_WINDOW_MS) {
      if (this.#failures.size >= MAX_TRACKED_ADDRESSES)
        this.#failures.delete(this.#failures.keys().next().value!);
      this.#failures.set(address, { count: 1, windowStart: now });
    } else {
      entry.count += 1;
    }
  }
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** The authentication middleware: every route but the few in `public-routes.ts`. */
export function bearerAuth(
  manager: SecretsManager,
  limiter: FailureLimiter,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const address = clientAddress(c);
    const wait = limiter.retryAfter(address);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return errorJson(
        c,
        429,
        'TOO_MANY_FAILURES',
        'too many failed authentications from this address; wait and retry',
      );
    }
    const header = c.req.header('authorization');
    const match = BEARER.exec(header ?? '');
    if (match === null) {
      // No header is not a guess (a browser's /favicon.ico, a forgotten token) and costs no
      // database read: only credentials presented and wrong count toward the limit, so anonymous
      // requests through a shared proxy address cannot lock its token holders out.
      if (header !== undefined) limiter.fail(address);
      c.header('WWW-Authenticate', 'Bearer');
      return errorJson(
        c,
        401,
        'UNAUTHORIZED',
        'send Authorization: Bearer <token> (make one with `iron-secrets token create`)',
      );
    }
    let requester: Requester;
    try {
      requester = await manager.authenticateToken(match[1]!);
    } catch (error) {
      if (!isIronSecretsError(error, 'INVALID_TOKEN')) throw error;
      limiter.fail(address);
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      return errorJson(c, 401, 'INVALID_TOKEN', 'the token is not valid (unknown, revoked or expired)');
    }
    c.set('requester', requester);
    c.set('tokenId', requester.id ?? '-');
    await next();
  };
}

/** The client's address as the socket sees it (not a header a client could forge). */
export function clientAddress(c: Parameters<MiddlewareHandler>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
