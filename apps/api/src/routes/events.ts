/**
 * @module events
 * `GET /api/secrets/events?environment=E`: server-sent events for every change within the
 * token's scope (`secret.created`, `secret.updated`, `secret.deleted`; names, never values),
 * with keep-alive comments. The runtime injector's remote source rotates agents from it.
 */
import { type Environment, isIronSecretsError, type SecretsManager } from '@iron/secrets-core';
import { streamSSE } from 'hono/streaming';
import type { ApiApp } from '../app.js';
import { errorJson } from '../error-response.js';
import { BEARER, EnvironmentQuery } from '../schemas.js';

/** A comment line this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

export function registerEventRoutes(app: ApiApp, manager: SecretsManager, closing?: AbortSignal): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/secrets/events',
    security: BEARER,
    request: { query: EnvironmentQuery },
    responses: {
      200: {
        description:
          'text/event-stream: `event: secret.created|secret.updated|secret.deleted`, `data: {"name","environment","updated_at"}`',
      },
    },
  });
  app.get('/api/secrets/events', async (c) => {
    const parsed = EnvironmentQuery.safeParse(c.req.query());
    if (!parsed.success) {
      return errorJson(
        c,
        400,
        'INVALID_ENVIRONMENT',
        'environment must be development, staging or production',
      );
    }
    const environment = parsed.data.environment as Environment;
    const requester = c.get('requester');
    // The subscription is a read of the environment: refused where listing it would be.
    if (requester.environments !== undefined && !requester.environments.includes(environment)) {
      return errorJson(c, 403, 'ACCESS_DENIED', `this token may not reach '${environment}'`);
    }
    // Subscribed before the starting point is read: a change committed in between is announced.
    const wake = new Wake();
    const subscription = await manager.watchChanges(() => wake.ring());
    let seen = await manager.changeSequence();
    const unsubscribe = () => void subscription.close().catch(() => {});
    closing?.addEventListener('abort', () => wake.ring(), { once: true });
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => wake.ring());
      const stopping = () => stream.aborted || stream.closed || closing?.aborted === true;
      try {
        while (!stopping()) {
          const rang = await wake.wait(KEEP_ALIVE_MS);
          if (stopping()) break;
          if (!rang) {
            await stream.write(': keep-alive\n\n');
            continue;
          }
          try {
            const latest = await manager.changeSequence();
            if (latest <= seen) continue;
            for (const change of await manager.changesSince(seen, { requester })) {
              if (change.environment !== environment || change.seq > latest) continue;
              await stream.writeSSE({
                id: String(change.seq),
                event: `secret.${change.kind}`,
                data: JSON.stringify({
                  name: change.name,
                  environment: change.environment,
                  updated_at: change.changedAt.toISOString(),
                }),
              });
            }
            seen = latest;
          } catch (error) {
            if (!isIronSecretsError(error)) throw error;
            break; // the store is gone (closing): end the stream, the client reconnects
          }
        }
      } finally {
        unsubscribe();
      }
    });
  });
}

/** A doorbell: `ring()` wakes the one `wait()`, or the next one if nobody is waiting. */
class Wake {
  #rung = false;
  #resolve: ((rang: boolean) => void) | undefined;

  ring(): void {
    if (this.#resolve) {
      const resolve = this.#resolve;
      this.#resolve = undefined;
      resolve(true);
    } else this.#rung = true;
  }

  /** Resolves true when rung, false after `timeoutMs` without a ring. */
  wait(timeoutMs: number): Promise<boolean> {
    if (this.#rung) {
      this.#rung = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#resolve = undefined;
        resolve(false);
      }, timeoutMs);
      this.#resolve = (rang) => {
        clearTimeout(timer);
        resolve(rang);
      };
    });
  }
}
