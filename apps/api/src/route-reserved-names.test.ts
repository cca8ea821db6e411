/**
 * Names the API's own routes under /api/secrets/ use (`audit`, `events`): a secret under one could
 * never be read over HTTP, since `GET /api/secrets/audit` is the audit trail. Refused on create and
 * update (the library refuses them: core's ROUTE_RESERVED_NAMES), and every registered route is
 * checked against that list so that a route added later cannot shadow a name unnoticed.
 */
import { ROUTE_RESERVED_NAMES } from '@iron/secrets-core';
import { describe, expect, it } from 'vitest';
import { SECRETS_PREFIX, secretsRouteSegments } from './shadowed-names.js';
import { call, json, testApi } from './test-support.js';

describe('names the routes under /api/secrets/ use', () => {
  it('every literal first segment of a route under /api/secrets/ is reserved, and every reserved name is used', async () => {
    const { app } = await testApi();
    const segments = new Set<string>();
    for (const route of app.routes) {
      if (!route.path.startsWith(SECRETS_PREFIX)) continue;
      const first = route.path.slice(SECRETS_PREFIX.length).split('/')[0]!;
      // `:name` is the secret itself; `*` is middleware for everything under the prefix.
      if (first.startsWith(':') || first === '*' || first === '') continue;
      segments.add(first);
    }
    expect(segments.size).toBeGreaterThan(0);
    for (const segment of segments) {
      expect(ROUTE_RESERVED_NAMES, `add ${segment} to ROUTE_RESERVED_NAMES in core`).toContain(segment);
    }
    expect([...segments].sort()).toEqual([...ROUTE_RESERVED_NAMES].sort());
    expect(secretsRouteSegments(app).sort()).toEqual([...segments].sort());
  });

  it.each(ROUTE_RESERVED_NAMES)('POST and PUT of %s answer 400 RESERVED_SECRET_NAME', async (name) => {
    const { app, manager, tokens } = await testApi();
    const created = await call(app, 'POST', '/api/secrets', {
      token: tokens.admin,
      body: { name, value: 'value-12345', environment: 'staging' },
    });
    expect(created.status).toBe(400);
    const body = await json(created);
    expect(body.error.code).toBe('RESERVED_SECRET_NAME');
    expect(body.error.message).toContain(`GET /api/secrets/${name}`);
    const updated = await call(app, 'PUT', `/api/secrets/${name}`, {
      token: tokens.admin,
      body: { value: 'value-12345', environment: 'staging' },
    });
    expect(updated.status).toBe(400);
    expect((await json(updated)).error.code).toBe('RESERVED_SECRET_NAME');
    expect(await manager.listSecrets('admin', 'staging')).toEqual([]);
  });

  it('names are case-sensitive: a secret named AUDIT is created and read over HTTP', async () => {
    const { app, tokens } = await testApi();
    const created = await call(app, 'POST', '/api/secrets', {
      token: tokens.admin,
      body: { name: 'AUDIT', value: 'value-12345', environment: 'staging' },
    });
    expect(created.status).toBe(201);
    const read = await call(app, 'GET', '/api/secrets/AUDIT?environment=staging', { token: tokens.admin });
    expect(await json(read)).toMatchObject({ name: 'AUDIT', environment: 'staging', value: 'value-12345' });
  });

  it('other spellings reach the same route, not a secret: %61udit is the audit trail', async () => {
    const { app, tokens } = await testApi();
    const encoded = await call(app, 'GET', '/api/secrets/%61udit', { token: tokens.admin });
    expect(encoded.status).toBe(200);
    expect(Array.isArray(await json(encoded))).toBe(true);
    // A name in the body is never decoded: the name pattern refuses it.
    const created = await call(app, 'POST', '/api/secrets', {
      token: tokens.admin,
      body: { name: '%61udit', value: 'value-12345', environment: 'staging' },
    });
    expect((await json(created)).error.code).toBe('INVALID_SECRET_NAME');
  });
});
