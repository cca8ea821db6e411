/** Reserved secret names (R10) through the HTTP API: refused with 400 on create and update. */
import { describe, expect, it } from 'vitest';
import { call, json, testApi } from './test-support.js';

describe('reserved secret names over HTTP', () => {
  it.each(['NODE_OPTIONS', 'LD_PRELOAD', 'PATH', 'https_proxy', 'GIT_SSH_COMMAND', 'IRON_SECRETS_DB'])(
    'POST and PUT of %s answer 400 RESERVED_SECRET_NAME and store nothing',
    async (name) => {
      const { app, manager, tokens } = await testApi();
      for (const token of [tokens.admin, tokens.stagingAdmin]) {
        const created = await call(app, 'POST', '/api/secrets', {
          token,
          body: { name, value: '--require=/tmp/evil.js', environment: 'staging' },
        });
        expect(created.status).toBe(400);
        const body = await json(created);
        expect(body.error.code).toBe('RESERVED_SECRET_NAME');
        expect(body.error.message).toMatch(/reserved/);
        expect(JSON.stringify(body)).not.toContain('evil');

        const updated = await call(app, 'PUT', `/api/secrets/${name}`, {
          token,
          body: { value: '--require=/tmp/evil.js', environment: 'staging' },
        });
        expect(updated.status).toBe(400);
        expect((await json(updated)).error.code).toBe('RESERVED_SECRET_NAME');
      }
      expect(await manager.listSecrets('admin', 'staging')).toEqual([]);
      expect(await manager.changesSince(0)).toEqual([]);
    },
  );

  it('says why, and still takes the ordinary look-alikes', async () => {
    const { app, tokens } = await testApi();
    const refused = await call(app, 'POST', '/api/secrets', {
      token: tokens.admin,
      body: { name: 'NODE_OPTIONS', value: 'value-1234', environment: 'staging' },
    });
    expect((await json(refused)).error.message).toMatch(/Node\.js reads it/);
    for (const name of ['GIT_TOKEN', 'PYTHONANYWHERE_API_TOKEN', 'IRON_TOKEN', 'NODE_ENV']) {
      const created = await call(app, 'POST', '/api/secrets', {
        token: tokens.admin,
        body: { name, value: 'ordinary-value-1', environment: 'staging' },
      });
      expect(created.status, name).toBe(201);
    }
  });
});
