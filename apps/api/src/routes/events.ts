/**
 * @module events
 * `GET /api/secrets/events?environment=E`: server-sent events for every change within the
 * token's scope (`secret.created`, `secret.updated`, `secret.deleted`; names, never values),
 * with keep-alive comments. The runtime injector's remote source rotates agents from it. The
 * stream ends when its token is revoked or expires (see token-stream).
 */
import { Doorbell, type Environment, isIronSecretsError, type SecretsManager } from '@iron/secrets-core';
import type { ApiApp } from '../app.js';
import { errorJson } from '../error-response.js';
import { BEARER, EnvironmentQuery } from '../schemas.js';
import { KEEP_ALIVE_MS, TokenStream } from '../token-stream.js';

export function registerEventRoutes(app: ApiApp, manager: SecretsManager, closing?: AbortSignal): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/secrets/events',
    security: BEARER,
    request: { query: EnvironmentQuery },
    responses: {
      200: {
        description:
          'text/event-stream: `event: secret.created|secret.updated|secret.deleted`, `data: {"name","environment","updated_at"}`; keep-alive comments; `event: token.revoked|token.expired|token.invalid` last when the token ends',
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
    const life = await TokenStream.open(c, manager, closing);
    const wake = new Doorbell();
    life.signal.addEventListener('abort', () => wake.ring(), { once: true });
    // Subscribed before the starting point is read: a change committed in between is announced.
    // The feed also wakes its watchers for what is not a change (on SQLite, any audit entry):
    // only a newer sequence number is worth a read.
    let seen = Number.POSITIVE_INFINITY;
    let heard = 0;
    let subscription: Awaited<ReturnType<SecretsManager['watchChanges']>> | undefined;
    try {
      subscription = await manager.watchChanges((latest) => {
        heard = Math.max(heard, latest);
        if (latest > seen) wake.ring();
      });
      seen = await manager.changeSequence();
      // Announced while the starting point was being read, but committed after it.
      if (heard > seen) wake.ring();
    } catch (error) {
      await subscription?.close();
      await life.cancel();
      throw error;
    }
    return life.respond(
      c,
      async (stream) => {
        while (!life.signal.aborted) {
          await wake.wait(KEEP_ALIVE_MS);
          if (life.signal.aborted) break;
          try {
            const latest = await manager.changeSequence();
            if (latest <= seen) continue;
            const changes = (await manager.changesSince(seen, { requester })).filter(
              (change) => change.environment === environment && change.seq <= latest,
            );
            // Re-checked before anything is sent: a revocation already committed is not missed.
            if (changes.length > 0 && !(await life.tokenValid())) break;
            for (const change of changes) {
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
      },
      () => subscription.close(),
    );
  });
}
