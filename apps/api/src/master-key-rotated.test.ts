/**
 * Finding 8 of issue 14: a server still running with a master key that another process rotated
 * away can decrypt nothing and must write nothing. It answered 500 INTERNAL with nothing logged
 * while `/healthz` stayed 200, so a load balancer kept routing to it. Now: 503
 * MASTER_KEY_MISMATCH with Retry-After and one log line, `/healthz` 503 with the reason, `/livez`
 * still 200 (restarting the process with the same key would not help).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManager } from '@iron/secrets-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createApi } from './app.js';
import { FailureLimiter } from './auth.js';
import { call, json } from './test-support.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const newMasterKey = () => randomBytes(32).toString('base64');

async function open(database: string, masterKey: string): Promise<SecretsManager> {
  const manager = await SecretsManager.open({ database, masterKey });
  cleanups.push(() => manager.close());
  return manager;
}

describe('a server whose master key was rotated away by another process', () => {
  it('answers 503 MASTER_KEY_MISMATCH (logged once per request), /healthz 503 with the reason, /livez 200', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'iron-rotated-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const database = join(directory, 'secrets.db');
    const oldKey = newMasterKey();
    const newKey = newMasterKey();

    // The operator's process (`iron-secrets master-key rotate`) and a server, on one database.
    const operator = await open(database, oldKey);
    await operator.createSecret('DB_PASSWORD', 'the-first-password', 'production');
    const { token } = await operator.createToken({ role: 'admin' });
    const server = await open(database, oldKey);
    const log: string[] = [];
    const app = createApi({ manager: server, log: (line) => log.push(line), limiter: new FailureLimiter() });
    const read = () => call(app, 'GET', '/api/secrets/DB_PASSWORD?environment=production', { token });
    expect((await read()).status).toBe(200);
    expect((await app.request('/healthz')).status).toBe(200);

    await operator.rotateMasterKey(newKey);
    log.length = 0;

    const refused = await read();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const body = await json(refused);
    expect(body.error.code).toBe('MASTER_KEY_MISMATCH');
    expect(body.error.message).toMatch(/rotated/);
    const errors = log.filter((line) => line.startsWith('ERROR '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^ERROR MASTER_KEY_MISMATCH GET \/api\/secrets\/:name: .*restart this server/);

    // A write is refused the same way, and nothing is written under the old key.
    const write = await call(app, 'PUT', '/api/secrets/DB_PASSWORD', {
      token,
      body: { value: 'written-with-old-key', environment: 'production' },
    });
    expect(write.status).toBe(503);
    expect((await json(write)).error.code).toBe('MASTER_KEY_MISMATCH');
    expect(await operator.getSecret('DB_PASSWORD', 'admin', { environment: 'production' })).toBe(
      'the-first-password',
    );

    const health = await app.request('/healthz');
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBe('1');
    expect(await json(health)).toEqual({
      ok: false,
      database: 'reachable',
      masterKey: 'rotated',
      code: 'MASTER_KEY_MISMATCH',
      reason: expect.stringMatching(/rotated/),
    });
    // Probed every few seconds, the log says it once, not once per probe.
    await app.request('/healthz');
    expect(log.filter((line) => line.startsWith('HEALTH unhealthy MASTER_KEY_MISMATCH'))).toHaveLength(1);

    const live = await app.request('/livez');
    expect(live.status).toBe(200);
    expect(await json(live)).toEqual({ ok: true });

    // Neither key is ever in an answer or the log.
    const everything = `${log.join('\n')}${JSON.stringify(body)}`;
    for (const key of [oldKey, newKey]) expect(everything).not.toContain(key);

    // A server started with the new key serves, and reports healthy.
    const restarted = createApi({ manager: await open(database, newKey), limiter: new FailureLimiter() });
    expect((await restarted.request('/healthz')).status).toBe(200);
    const again = await call(restarted, 'GET', '/api/secrets/DB_PASSWORD?environment=production', { token });
    expect(again.status).toBe(200);
  });

  it('/livez needs no database: it answers 200 after the manager is closed, while /healthz answers 503', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'iron-closed-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const manager = await SecretsManager.open({
      database: join(directory, 'secrets.db'),
      masterKey: newMasterKey(),
    });
    const app = createApi({ manager, limiter: new FailureLimiter() });
    await manager.close();
    expect((await app.request('/livez')).status).toBe(200);
    const health = await app.request('/healthz');
    expect(health.status).toBe(503);
    expect(await json(health)).toMatchObject({ ok: false, code: 'MANAGER_CLOSED' });
  });
});
