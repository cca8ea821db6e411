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

export function registerEventRoutes(
  app: ApiApp,
  manager: SecretsManager,
  pollMs: number,
  closing?: AbortSignal,
): void {
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
    let seen = await manager.changeSequence();
    return streamSSE(c, async (stream) => {
      let lastWrite = Date.now();
      while (!stream.aborted && !stream.closed && closing?.aborted !== true) {
        await stream.sleep(pollMs);
        try {
          const latest = await manager.changeSequence();
          if (latest > seen) {
            for (const change of await manager.changesSince(seen, { requester })) {
              if (change.environment !== environment) continue;
              await stream.writeSSE({
                id: String(change.seq),
                event: `secret.${change.kind}`,
                data: JSON.stringify({
                  name: change.name,
                  environment: change.environment,
                  updated_at: change.changedAt.toISOString(),
                }),
              });
              lastWrite = Date.now();
            }
            seen = latest;
          }
        } catch (error) {
          if (!isIronSecretsError(error)) throw error;
          break; // the store is gone (closing): end the stream, the client reconnects
        }
        if (Date.now() - lastWrite >= KEEP_ALIVE_MS) {
          await stream.write(': keep-alive\n\n');
          lastWrite = Date.now();
        }
      }
    });
  });
}
