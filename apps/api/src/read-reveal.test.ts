/**
 * `reveal` on a read of one secret: accepted (any value a listing accepts) and ignored. A GET of
 * one name is an explicit read, so an admin gets the value without it; a listing is not, so there
 * an admin needs `reveal=true`.
 */
import { describe, expect, it } from 'vitest';
import { call, json, testApi } from './test-support.js';

const VALUE = 'sk-proj-reveal-value-0001';

describe('reveal on GET /api/secrets/{name}', () => {
  it.each(['true', 'false'])('reveal=%s is accepted and ignored', async (reveal) => {
    const { app, tokens } = await testApi();
    await call(app, 'POST', '/api/secrets', {
      token: tokens.admin,
      body: { name: 'KEY', value: VALUE, environment: 'production' },
    });
    const path = `/api/secrets/KEY?environment=production&reveal=${reveal}`;
    const admin = await call(app, 'GET', path, { token: tokens.admin });
    expect(admin.status).toBe(200);
    expect(await json(admin)).toMatchObject({ name: 'KEY', environment: 'production', value: VALUE });
    const agent = await call(app, 'GET', path, { token: tokens.agent });
    expect((await json(agent)).value).toBe(VALUE);
    // A viewer's read stays masked: reveal asks for nothing on a read of one name.
    const viewer = await call(app, 'GET', path, { token: tokens.viewer });
    expect(viewer.status).toBe(200);
    expect(await json(viewer)).toMatchObject({
      name: 'KEY',
      environment: 'production',
      value_masked: 'sk-proj-re...001',
    });
  });

  it('refuses a value the listing refuses too', async () => {
    const { app, tokens } = await testApi();
    for (const path of ['/api/secrets/KEY?environment=production', '/api/secrets?environment=production']) {
      const response = await call(app, 'GET', `${path}&reveal=yes`, { token: tokens.admin });
      expect(response.status, path).toBe(400);
      expect((await json(response)).error.code).toBe('INVALID_REQUEST');
    }
  });

  it('a listing still needs reveal=true for an admin to see values', async () => {
    const { app, tokens } = await testApi();
    await call(app, 'POST', '/api/secrets', {
      token: tokens.admin,
      body: { name: 'KEY', value: VALUE, environment: 'production' },
    });
    const masked = await json(
      await call(app, 'GET', '/api/secrets?environment=production', { token: tokens.admin }),
    );
    expect(masked[0].value).toBeUndefined();
    const revealed = await json(
      await call(app, 'GET', '/api/secrets?environment=production&reveal=true', { token: tokens.admin }),
    );
    expect(revealed[0].value).toBe(VALUE);
  });
});
