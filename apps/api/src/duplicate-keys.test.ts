/**
 * Finding 12 of issue 14: a JSON body that names a key twice is refused (400), on every route that
 * takes one and at any depth. JSON.parse keeps the last of two keys silently, so
 * `{"environment":"development","environment":"production"}` would create in production while a
 * proxy, a log or a reviewer reading the first key sees development.
 */
import { describe, expect, it } from 'vitest';
import { call, json, testApi } from './test-support.js';

const BODIES: readonly { title: string; method: string; path: string; body: string }[] = [
  {
    title: 'the environment twice on create',
    method: 'POST',
    path: '/api/secrets',
    body: '{"name":"DUP_KEY","value":"a-good-value-1","environment":"development","environment":"production"}',
  },
  {
    title: 'the value twice on update',
    method: 'PUT',
    path: '/api/secrets/EXISTING',
    body: '{"value":"first-value-12","value":"second-value-3","environment":"staging"}',
  },
  {
    title: 'a key spelled once plainly and once escaped',
    method: 'POST',
    path: '/api/secrets',
    body: '{"name":"DUP_KEY","value":"a-good-value-1","environment":"staging","\\u0065nvironment":"production"}',
  },
  {
    title: 'a duplicate deep inside a nested object',
    method: 'POST',
    path: '/api/secrets',
    body: '{"name":"DUP_KEY","value":"a-good-value-1","environment":"staging","x":[{"a":{"b":1,"b":2}}]}',
  },
  {
    title: 'a duplicate after a string full of braces, quotes and escapes',
    method: 'PUT',
    path: '/api/secrets/EXISTING',
    body: '{"value":"{\\"value\\":1,}[]\\\\","environment":"staging","environment":"staging"}',
  },
];

describe('duplicate JSON keys', () => {
  for (const { title, method, path, body } of BODIES) {
    it(`400 for ${title}, and nothing changes`, async () => {
      const { app, manager, tokens } = await testApi();
      await manager.createSecret('EXISTING', 'the-original-value', 'staging');
      const before = (await manager.auditLog()).length;
      const response = await call(app, method, path, { token: tokens.admin, body });
      expect(response.status).toBe(400);
      const answer = await json(response);
      expect(answer.error.code).toBe('INVALID_JSON');
      expect(answer.error.message).toMatch(/twice/);
      expect(JSON.stringify(answer)).not.toContain('value-');
      expect(await manager.getSecret('EXISTING', 'admin', { environment: 'staging' })).toBe(
        'the-original-value',
      );
      expect((await manager.auditLog()).length).toBe(before + 1); // only the read just above
      for (const environment of ['development', 'staging', 'production'] as const) {
        const names = (await manager.listSecrets('admin', environment)).map((secret) => secret.name);
        expect(names, environment).not.toContain('DUP_KEY');
      }
    });
  }

  it('the same key in two objects, or a key equal to a value, is fine', async () => {
    const { app, manager, tokens } = await testApi();
    await manager.createSecret('EXISTING', 'the-original-value', 'staging');
    const response = await call(app, 'PUT', '/api/secrets/EXISTING', {
      token: tokens.admin,
      body: '{"value":"value","environment":"staging"}',
    });
    expect(response.status).toBe(200);
  });
});
