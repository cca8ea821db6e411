/**
 * @module health
 * The two checks an orchestrator or a load balancer makes, without a token:
 *
 * - `/livez`: the process runs and answers. Always 200, with no database access, so a database
 *   outage does not get every instance restarted (restarts would not bring the database back).
 * - `/healthz`: this instance can serve now. 503 with a JSON reason when the database cannot be
 *   read, when it was rotated to another master key by another process (this instance can
 *   decrypt nothing and must not write under the old key), or when the server is shutting down;
 *   a load balancer then routes to the other instances.
 *
 * The answer says which of those as a code, never more: it is public, and a database's error
 * message can name its host. The full reason goes to the log, once per change of state, not once
 * per probe.
 */
import type { SecretsManager } from '@iron/secrets-core';
import type { ApiApp } from '../app.js';
import { type ErrorLog, RETRY_AFTER_SECONDS, serverMessage } from '../error-response.js';

type Health = Awaited<ReturnType<SecretsManager['health']>>;

/** `/livez` and `/healthz`, both public (see `public-routes.ts`). */
export function registerHealthRoutes(app: ApiApp, manager: SecretsManager, log: ErrorLog): void {
  const check = singleFlight(() => manager.health());
  let lastCode: string | undefined; // the code of the last unhealthy answer, for the log
  app.get('/livez', (c) => c.json({ ok: true }));
  app.get('/healthz', async (c) => {
    const health = await check();
    if (health.ok) {
      if (lastCode !== undefined) log?.('HEALTH ok again');
      lastCode = undefined;
      return c.json({ ok: true, database: health.database, masterKey: health.masterKey });
    }
    const code = health.code ?? 'STORAGE_UNAVAILABLE';
    if (code !== lastCode) {
      // The library's reasons never hold a value, a key or a token.
      log?.(`HEALTH unhealthy ${code}: ${(health.reason ?? '').slice(0, 500)}`);
    }
    lastCode = code;
    c.header('Retry-After', String(RETRY_AFTER_SECONDS));
    return c.json(
      {
        ok: false,
        database: health.database,
        masterKey: health.masterKey,
        code,
        reason: serverMessage(code),
      },
      503,
    );
  });
}

/**
 * `check`, with concurrent callers sharing the one call in flight: a flood of anonymous probes
 * costs at most one database read at a time.
 */
function singleFlight(check: () => Promise<Health>): () => Promise<Health> {
  let inFlight: Promise<Health> | undefined;
  return () => {
    inFlight ??= check().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
