/**
 * @module auth
 * Every request but the few public ones (`public-routes.ts`) carries `Authorization: Bearer
 * <token>` (RULINGS R7: the token decides role, agent id, environments and secret scope). The
 * library compares token hashes in constant time.
 *
 * Failures are slowed down, and only failures: after {@link MAX_FAILURES} failed authentications
 * from one address within {@link FAILURE_WINDOW_MS}, that address's failures are answered 429
 * (with Retry-After) instead of 401, while a valid token from it is still served. Every local
 * agent and the panel share 127.0.0.1, so refusing valid tokens there would let one broken agent
 * lock everyone out. What the throttle still does against guessing: a token refused once is
 * refused again without a database read or another audit entry while its address is throttled
 * (a broken agent's retry loop, a replayed guess, cost nothing); and every guess is answered 429,
 * telling the client to wait. A fresh guess from a throttled address is still checked (it might
 * be a valid token, and only checking tells), so the throttle cannot stop guessing as such: the
 * 256 random bits of a token do that (2^256 guesses), the throttle limits what a flood costs.
 */
import { createHash } from 'node:crypto';
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

/** Tokens refused recently remembered at most (as SHA-256 hashes), so that the table stays bounded. */
const MAX_REMEMBERED_REFUSALS = 10_000;

/** Counts authentication failures per address, in fixed windows, and remembers refused tokens. */
export class FailureLimiter {
  readonly #failures = new Map<string, { count: number; windowStart: number }>();
  /** SHA-256 of a refused token -> when it was refused. Never the token itself. */
  readonly #refused = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Milliseconds until `address`'s failures are answered 401 again, or 0 when they are now. */
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

  /** Records a failed authentication from `address`, and the token it presented, if any. */
  fail(address: string, token?: string): void {
    const now = this.#now();
    const entry = this.#failures.get(address);
    if (entry === undefined || now - entry.windowStart >= FAILURE_WINDOW_MS) {
      if (this.#failures.size >= MAX_TRACKED_ADDRESSES)
        this.#failures.delete(this.#failures.keys().next().value!);
      this.#failures.set(address, { count: 1, windowStart: now });
    } else {
      entry.count += 1;
    }
    if (token !== undefined) {
      const hash = tokenHash(token);
      this.#refused.delete(hash); // re-inserted last: the oldest refusal is evicted first
      if (this.#refused.size >= MAX_REMEMBERED_REFUSALS)
        this.#refused.delete(this.#refused.keys().next().value!);
      this.#refused.set(hash, now);
    }
  }

  /** Whether `token` was refused within the last window (it is refused again without a look-up). */
  refusedRecently(token: string): boolean {
    const hash = tokenHash(token);
    const at = this.#refused.get(hash);
    if (at === undefined) return false;
    if (this.#now() - at >= FAILURE_WINDOW_MS) {
      this.#refused.delete(hash);
      return false;
    }
    return true;
  }
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** The authentication middleware: every route but the few in `public-routes.ts`. */
export function bearerAuth(
  manager: SecretsManager,
  limiter: FailureLimiter,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const address = clientAddress(c);
    // Taken before this request's outcome is known: its own failure does not count against it.
    const wait = limiter.retryAfter(address);
    // A failure: 401, or 429 once the address has failed too often (then only a valid token passes).
    const refuse = (code: 'UNAUTHORIZED' | 'INVALID_TOKEN', challenge: string, message: string) => {
      if (wait > 0) {
        c.header('Retry-After', String(Math.ceil(wait / 1000)));
        return errorJson(
          c,
          429,
          'TOO_MANY_FAILURES',
          'too many failed authentications from this address; wait and retry (a valid token is still served)',
        );
      }
      c.header('WWW-Authenticate', challenge);
      return errorJson(c, 401, code, message);
    };
    const header = c.req.header('authorization');
    const match = BEARER.exec(header ?? '');
    if (match === null) {
      // No header is not a guess (a browser's /favicon.ico, a forgotten token) and costs no
      // database read: only credentials presented and wrong count toward the limit, so anonymous
      // requests through a shared proxy address cannot lock its token holders out.
      if (header !== undefined) limiter.fail(address);
      return refuse(
        'UNAUTHORIZED',
        'Bearer',
        'send Authorization: Bearer <token> (make one with `iron-secrets token create`)',
      );
    }
    const token = match[1]!;
    const invalid = () =>
      refuse(
        'INVALID_TOKEN',
        'Bearer error="invalid_token"',
        'the token is not valid (unknown, revoked or expired)',
      );
    // A throttled address repeating a refused token: refused again without a database read (or
    // another audit entry for an existing token's wrong secret).
    if (wait > 0 && limiter.refusedRecently(token)) {
      limiter.fail(address);
      return invalid();
    }
    let requester: Requester;
    try {
      requester = await manager.authenticateToken(token);
    } catch (error) {
      if (!isIronSecretsError(error, 'INVALID_TOKEN')) throw error;
      limiter.fail(address, token);
      return invalid();
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
