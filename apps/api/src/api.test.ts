/** Authentication, the routes' answers, events, and what every response carries. */
import { randomBytes } from 'node:crypto';
import { SecretsManager } from '@iron/secrets-core';
import { describe, expect, it } from 'vitest';
import { createApi } from './app.js';
import { FailureLimiter, MAX_FAILURES } from './auth.js';
import { startServer } from './server.js';
import { call, json, testApi } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';

describe('authentication', () => {
  it('401 without a token, with a malformed one, an unknown, a revoked or an expired one', async () => {
    const { app, manager, tokens } = await testApi();
    const revoked = await manager.createToken({ role: 'admin' });
    await manager.revokeToken(revoked.id);
    for (const headers of [
      {},
      { authorization: 'Basic abc' },
      { authorization: `Bearer ${tokens.admin}x` },
      { authorization: `Bearer iron_000000000000_${'A'.repeat(43)}` },
      { authorization: `Bearer ${revoked.token}` },
    ]) {
      const response = await call(app, 'GET', '/api/secrets?environment=production', { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      const body = await json(response);
      expect(body.error.code).toMatch(/^(UNAUTHORIZED|INVALID_TOKEN)$/);
      expect(JSON.stringify(body)).not.toContain(tokens.admin);
    }
  });

  it('slows repeated failures from one address (429), never a valid token, nor another address', async () => {
    let now = 0;
    const manager = await SecretsManager.open({
      database: ':memory:',
      masterKey: randomBytes(32).toString('base64'),
    });
    const limiter = new FailureLimiter(() => now);
    const app = createApi({ manager, limiter });
    const { token } = await manager.createToken({ role: 'admin' });
    // app.request has no socket: every request is from 'unknown'; the limiter is keyed by address.
    for (let i = 0; i < MAX_FAILURES; i += 1) {
      expect((await call(app, 'GET', '/api/secrets?environment=production', { token: 'nope' })).status).toBe(
        401,
      );
    }
    const limited = await call(app, 'GET', '/api/secrets?environment=production', { token: 'nope' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Failures are slowed down, not the valid tokens of the address's other clients.
    expect((await call(app, 'GET', '/api/secrets?environment=production', { token })).status).toBe(200);
    limiter.fail('10.0.0.9');
    expect(limiter.retryAfter('10.0.0.9')).toBe(0); // another address is not affected
    now += 60_000;
    expect((await call(app, 'GET', '/api/secrets?environment=production', { token: 'nope' })).status).toBe(
      401,
    );
    await manager.close();
  });
});

describe('routes', () => {
  it('create, get, list (reveal), update, delete, audit and verify, as the spec describes', async () => {
    const { app, tokens } = await testApi();
    const admin = { token: tokens.admin };
    const created = await call(app, 'POST', '/api/secrets', {
      ...admin,
      body: { name: 'KEY', value: VALUE, environment: 'production' },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({
      id: expect.any(String),
      name: 'KEY',
      environment: 'production',
      expires_at: null,
      rotate_every_seconds: null,
    });
    // One secret's metadata as a listing has it (issue 15: rotation_status in every JSON form).
    const metadata = {
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
      expires_at: null,
      rotate_every_seconds: null,
      rotation_due_at: null,
      rotation_status: 'ok',
    };
    expect(await json(await call(app, 'GET', '/api/secrets/KEY?environment=production', admin))).toEqual({
      name: 'KEY',
      environment: 'production',
      value: VALUE,
      value_masked: 'sk-proj-ab...789',
      ...metadata,
    });
    expect(
      await json(await call(app, 'GET', '/api/secrets/KEY?environment=production', { token: tokens.viewer })),
    ).toEqual({
      name: 'KEY',
      environment: 'production',
      value_masked: 'sk-proj-ab...789',
      ...metadata,
    });
    const listed = await json(await call(app, 'GET', '/api/secrets?environment=production', admin));
    expect(listed).toEqual([expect.objectContaining({ name: 'KEY', value_masked: 'sk-proj-ab...789' })]);
    expect(listed[0]).not.toHaveProperty('value');
    const revealed = await json(
      await call(app, 'GET', '/api/secrets?environment=production&reveal=true', admin),
    );
    expect(revealed[0].value).toBe(VALUE);
    const agentList = await json(
      await call(app, 'GET', '/api/secrets?environment=production', { token: tokens.agent }),
    );
    expect(agentList[0].value).toBe(VALUE);
    expect(
      (await call(app, 'GET', '/api/secrets?environment=production&reveal=true', { token: tokens.viewer }))
        .status,
    ).toBe(403);
    expect(
      (await call(app, 'PUT', '/api/secrets/KEY', { ...admin, body: { value: 'sk-proj-new-value-1' } }))
        .status,
    ).toBe(200);
    expect((await call(app, 'DELETE', '/api/secrets/KEY?environment=production', admin)).status).toBe(204);
    const audit = await json(
      await call(app, 'GET', '/api/secrets/audit?secret_name=KEY', { token: tokens.viewer }),
    );
    expect(audit.map((e: { operation: string }) => e.operation)).toEqual([
      'CREATE',
      'READ',
      'READ',
      'READ',
      'READ',
      'READ',
      'UPDATE',
      'DELETE',
    ]);
    expect(JSON.stringify(audit)).not.toContain(VALUE);
    expect((await call(app, 'GET', '/api/secrets/audit', { token: tokens.agent })).status).toBe(403);
    expect(await json(await call(app, 'GET', '/api/secrets/audit/verify', admin))).toMatchObject({
      ok: true,
    });
  });

  it('healthz needs no token; the OpenAPI document needs one and lists every route', async () => {
    const { app, tokens } = await testApi();
    expect(await json(await app.request('/healthz'))).toEqual({
      ok: true,
      database: 'reachable',
      masterKey: 'current',
    });
    expect((await app.request('/api/openapi.json')).status).toBe(401);
    const document = await json(await call(app, 'GET', '/api/openapi.json', { token: tokens.viewer }));
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/api/secrets',
        '/api/secrets/audit',
        '/api/secrets/audit/stream',
        '/api/secrets/audit/verify',
        '/api/secrets/events',
        '/api/secrets/{name}',
        '/api/session',
        '/healthz',
        '/livez',
      ].sort(),
    );
    expect(document.components.schemas.CreateSecret.required.sort()).toEqual([
      'environment',
      'name',
      'value',
    ]);
    expect((await app.request('/docs')).status).toBe(200);
  });

  it('sends security headers everywhere, no-store on the API, and logs no value or token', async () => {
    const { app, manager, tokens, log } = await testApi();
    await manager.createSecret('KEY', VALUE, 'production');
    const response = await call(app, 'GET', '/api/secrets/KEY?environment=production', {
      token: tokens.admin,
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(log.at(-1)).toMatch(/^GET \/api\/secrets\/:name 200 [\d.]+ms token=[0-9a-f]{12}$/);
    expect(log.join('\n')).not.toContain(VALUE);
    expect(log.join('\n')).not.toContain(tokens.admin);
  });
});

describe('events', () => {
  it('delivers a change within a second, as SSE, within the token scope, without values', async () => {
    const { app, manager, tokens } = await testApi();
    const response = await call(app, 'GET', '/api/secrets/events?environment=production', {
      token: tokens.agent,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const started = Date.now();
    await manager.createSecret('OTHER_ENV', VALUE, 'staging'); // not in the stream's environment
    await manager.createSecret('KEY', VALUE, 'production');
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(Date.now() - started).toBeLessThan(1000);
    // One event: its fields in any order, nothing but a name, environment and time.
    expect(text.trim().split('\n').sort()).toEqual([
      expect.stringMatching(/^data: \{"name":"KEY","environment":"production","updated_at":"[^"]+"\}$/),
      'event: secret.created',
      expect.stringMatching(/^id: \d+$/),
    ]);
    expect(text).not.toContain(VALUE);
    await reader.cancel();
    expect(
      (await call(app, 'GET', '/api/secrets/events?environment=staging', { token: tokens.agent })).status,
    ).toBe(403);
  });
});

describe('the server', () => {
  it('finishes requests in flight on close, and ends event streams', async () => {
    const manager = await SecretsManager.open({
      database: ':memory:',
      masterKey: randomBytes(32).toString('base64'),
      changePollMs: 20,
    });
    const { token } = await manager.createToken({ role: 'admin' });
    const lines: string[] = [];
    const server = await startServer({ manager, port: 0, log: (line) => lines.push(line) });
    const headers = { authorization: `Bearer ${token}` };
    const events = await fetch(`${server.url}/api/secrets/events?environment=production`, { headers });
    // Closed once the request is in the handler, not after a guess of how long that takes (5 ms
    // was not always enough on a loaded machine: the connection was then refused, not in flight).
    const create = manager.createSecretDescribed.bind(manager);
    let inHandler: () => void = () => {};
    const handling = new Promise<void>((resolve) => {
      inHandler = resolve;
    });
    manager.createSecretDescribed = (...args) => {
      inHandler();
      return create(...args);
    };
    const inFlight = fetch(`${server.url}/api/secrets`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'KEY', value: VALUE, environment: 'production' }),
    });
    await handling;
    const closed = server.close();
    expect((await inFlight).status).toBe(201);
    await events.body?.cancel();
    await closed;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await manager.close();
  });

  it('warns when listening beyond loopback', async () => {
    const manager = await SecretsManager.open({
      database: ':memory:',
      masterKey: randomBytes(32).toString('base64'),
    });
    const lines: string[] = [];
    const server = await startServer({ manager, host: '0.0.0.0', port: 0, log: (line) => lines.push(line) });
    await server.close();
    await manager.close();
    expect(lines[0]).toMatch(/^WARN listening on 0\.0\.0\.0.*TLS/);
  });
});
