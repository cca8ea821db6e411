/**
 * Expiry and rotation settings over HTTP (issue 15): `expires_in` and `rotate_every` on POST and
 * PUT (the CLI's durations), returned in the response; a PUT of settings alone re-seals the value
 * unchanged as a new version (an UPDATE in the trail); `null` clears a setting. An expired secret
 * is still served, with `rotation_status` in every body and an `Iron-Secret-Status` header.
 */
import { randomBytes } from 'node:crypto';
import { SecretsManager } from '@iron/secrets-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createApi } from './app.js';
import { FailureLimiter } from './auth.js';
import { call, json, testApi } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';
const START = new Date('2026-01-01T00:00:00Z');

const managers: SecretsManager[] = [];
afterEach(async () => {
  for (const manager of managers.splice(0)) await manager.close();
});

/** An API whose clock the test moves. */
async function clockedApi() {
  const clock = { now: START };
  const manager = await SecretsManager.open({
    database: ':memory:',
    masterKey: randomBytes(32).toString('base64'),
    clock: () => clock.now,
  });
  managers.push(manager);
  const app = createApi({ manager, limiter: new FailureLimiter() });
  const admin = (await manager.createToken({ role: 'admin' })).token;
  const viewer = (await manager.createToken({ role: 'viewer' })).token;
  const agent = (await manager.createToken({ role: 'agent', environments: ['production'] })).token;
  return { app, manager, clock, admin, viewer, agent };
}

describe('POST and PUT take expires_in and rotate_every', () => {
  it('POST stores them and returns them as the CLI names them', async () => {
    const { app, manager, admin } = await clockedApi();
    const response = await call(app, 'POST', '/api/secrets', {
      token: admin,
      body: {
        name: 'KEY',
        value: VALUE,
        environment: 'production',
        expires_in: '90d',
        rotate_every: '1h30m',
      },
    });
    expect(response.status).toBe(201);
    expect(await json(response)).toEqual({
      id: expect.any(String),
      name: 'KEY',
      environment: 'production',
      expires_at: '2026-04-01T00:00:00Z',
      rotate_every_seconds: 5400,
    });
    const [stored] = await manager.listSecrets('admin', 'production');
    expect(stored!.expiresAt).toEqual(new Date('2026-04-01T00:00:00Z'));
    expect(stored!.rotateEverySeconds).toBe(5400);
  });

  it('PUT with a value and settings rotates and sets them; the response says what the secret now is', async () => {
    const { app, clock, admin } = await clockedApi();
    await call(app, 'POST', '/api/secrets', {
      token: admin,
      body: { name: 'KEY', value: VALUE, environment: 'production' },
    });
    clock.now = new Date('2026-01-02T00:00:00Z');
    const response = await call(app, 'PUT', '/api/secrets/KEY', {
      token: admin,
      body: {
        value: 'sk-proj-new-value-1',
        environment: 'production',
        expires_in: '30d',
        rotate_every: '7d',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('iron-secret-status')).toBe('ok');
    expect(await json(response)).toEqual({
      name: 'KEY',
      environment: 'production',
      updated_at: '2026-01-02T00:00:00Z',
      expires_at: '2026-02-01T00:00:00Z',
      rotate_every_seconds: 604_800,
      rotation_due_at: '2026-01-09T00:00:00Z',
      rotation_status: 'ok',
    });
  });

  it('PUT of settings alone re-seals the same value as a new version, audited as UPDATE; null clears', async () => {
    const { app, manager, clock, admin } = await clockedApi();
    await call(app, 'POST', '/api/secrets', {
      token: admin,
      body: { name: 'KEY', value: VALUE, environment: 'production', rotate_every: '1d' },
    });
    clock.now = new Date('2026-01-05T00:00:00Z');
    const settings = await call(app, 'PUT', '/api/secrets/KEY', {
      token: admin,
      body: { environment: 'production', expires_in: '1h' },
    });
    expect(settings.status).toBe(200);
    expect(await json(settings)).toEqual({
      name: 'KEY',
      environment: 'production',
      // The value did not change: its age, which the rotation interval counts from, stays.
      updated_at: '2026-01-01T00:00:00Z',
      expires_at: '2026-01-05T01:00:00Z',
      rotate_every_seconds: 86_400,
      rotation_due_at: '2026-01-02T00:00:00Z',
      rotation_status: 'due',
    });
    expect(settings.headers.get('iron-secret-status')).toBe('due');
    expect(await manager.getSecret('KEY', 'admin', { environment: 'production' })).toBe(VALUE);
    const updates = (await manager.auditLog({ secretName: 'KEY' })).filter((e) => e.operation === 'UPDATE');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ success: true, secretVersion: 2 });

    // null clears a setting; what is left out stays.
    const cleared = await call(app, 'PUT', '/api/secrets/KEY', {
      token: admin,
      body: { environment: 'production', rotate_every: null },
    });
    expect(await json(cleared)).toMatchObject({
      expires_at: '2026-01-05T01:00:00Z',
      rotate_every_seconds: null,
      rotation_due_at: null,
      rotation_status: 'ok',
    });
    expect(await manager.getSecret('KEY', 'admin', { environment: 'production' })).toBe(VALUE);
    expect((await manager.verifyAuditLog()).ok).toBe(true);
  });

  it('refuses a PUT with nothing to change, and durations the CLI refuses too', async () => {
    const { app, admin } = await clockedApi();
    await call(app, 'POST', '/api/secrets', {
      token: admin,
      body: { name: 'KEY', value: VALUE, environment: 'production' },
    });
    const empty = await call(app, 'PUT', '/api/secrets/KEY', {
      token: admin,
      body: { environment: 'production' },
    });
    expect(empty.status).toBe(400);
    expect((await json(empty)).error.code).toBe('INVALID_ARGUMENT');
    for (const duration of [
      '0s',
      '-1h',
      '1e9d',
      '999999999w',
      '90 d',
      ' 90d',
      '1.5h',
      '',
      90,
      'x'.repeat(100),
    ]) {
      for (const [method, path, body] of [
        ['POST', '/api/secrets', { name: 'OTHER', value: VALUE, environment: 'production' }],
        ['PUT', '/api/secrets/KEY', { environment: 'production' }],
      ] as const) {
        for (const field of ['expires_in', 'rotate_every']) {
          const response = await call(app, method, path, {
            token: admin,
            body: { ...body, [field]: duration },
          });
          expect(response.status, `${method} ${field}=${JSON.stringify(duration)}`).toBe(400);
          const error = (await json(response)).error;
          expect(error.message).toContain(field);
        }
      }
    }
  });

  it('a viewer or an agent may not change settings alone, like any write', async () => {
    const { app, manager, admin, viewer, agent } = await clockedApi();
    await call(app, 'POST', '/api/secrets', {
      token: admin,
      body: { name: 'KEY', value: VALUE, environment: 'production' },
    });
    for (const token of [viewer, agent]) {
      const response = await call(app, 'PUT', '/api/secrets/KEY', {
        token,
        body: { environment: 'production', expires_in: '1d' },
      });
      expect(response.status).toBe(403);
      expect((await json(response)).error.code).toBe('ACCESS_DENIED');
    }
    const [stored] = await manager.listSecrets('admin', 'production');
    expect(stored!.expiresAt).toBeNull();
  });
});

describe('an expired secret is served, and says so', () => {
  it('GET of one secret: the value, rotation_status and Iron-Secret-Status: expired', async () => {
    const { app, clock, admin, viewer } = await clockedApi();
    await call(app, 'POST', '/api/secrets', {
      token: admin,
      body: { name: 'KEY', value: VALUE, environment: 'production', expires_in: '1d' },
    });
    clock.now = new Date('2026-01-03T00:00:00Z');
    const response = await call(app, 'GET', '/api/secrets/KEY?environment=production', { token: admin });
    expect(response.status).toBe(200);
    expect(response.headers.get('iron-secret-status')).toBe('expired');
    expect(await json(response)).toEqual({
      name: 'KEY',
      environment: 'production',
      value: VALUE,
      value_masked: 'sk-proj-ab...789',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      expires_at: '2026-01-02T00:00:00Z',
      rotate_every_seconds: null,
      rotation_due_at: null,
      rotation_status: 'expired',
    });
    const masked = await call(app, 'GET', '/api/secrets/KEY?environment=production', { token: viewer });
    expect(masked.headers.get('iron-secret-status')).toBe('expired');
    const body = await json(masked);
    expect(body).toMatchObject({ value_masked: 'sk-proj-ab...789', rotation_status: 'expired' });
    expect(body.value).toBeUndefined();
  });

  it('a listing: rotation_status per secret, and the header says the worst of them', async () => {
    const { app, clock, admin, agent } = await clockedApi();
    for (const [name, settings] of [
      ['FRESH', {}],
      ['DUE', { rotate_every: '1h' }],
      ['EXPIRED', { expires_in: '1d' }],
    ] as const) {
      await call(app, 'POST', '/api/secrets', {
        token: admin,
        body: { name, value: `${VALUE}-${name}`, environment: 'production', ...settings },
      });
    }
    await call(app, 'POST', '/api/secrets', {
      token: admin,
      body: { name: 'STAGED', value: VALUE, environment: 'staging', rotate_every: '1h' },
    });
    clock.now = new Date('2026-01-03T00:00:00Z');
    const listing = await call(app, 'GET', '/api/secrets?environment=production', { token: agent });
    expect(listing.headers.get('iron-secret-status')).toBe('expired');
    const body = (await json(listing)) as { name: string; rotation_status: string; value: string }[];
    expect(Object.fromEntries(body.map((s) => [s.name, s.rotation_status]))).toEqual({
      DUE: 'due',
      EXPIRED: 'expired',
      FRESH: 'ok',
    });
    expect(body.find((s) => s.name === 'EXPIRED')!.value).toBe(`${VALUE}-EXPIRED`);
    const staging = await call(app, 'GET', '/api/secrets?environment=staging', { token: admin });
    expect(staging.headers.get('iron-secret-status')).toBe('due');
    const empty = await call(app, 'GET', '/api/secrets?environment=development', { token: admin });
    expect(empty.headers.get('iron-secret-status')).toBe('ok');
  });

  it('the OpenAPI document describes the new fields and the header', async () => {
    const { app, tokens } = await testApi();
    const document = JSON.stringify(
      await json(await call(app, 'GET', '/api/openapi.json', { token: tokens.admin })),
    );
    for (const word of ['expires_in', 'rotate_every', 'rotation_status', 'Iron-Secret-Status']) {
      expect(document).toContain(word);
    }
  });
});
