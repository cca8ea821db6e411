/**
 * Issue 15: `GET /api/secrets/audit` answers an auditor's questions with the library's and the
 * CLI's rule: `limit` alone is the newest N, `before`/`after` page by id, scopes filter before
 * the limit, READs say what they handed out, and every filter the CLI has is a parameter.
 */
import { describe, expect, it } from 'vitest';
import { call, json, testApi } from './test-support.js';

type Entry = { id: number; secret_name: string; operation: string; disclosure: string | null };
const names = (entries: Entry[]) => entries.map((e) => e.secret_name);

async function seeded() {
  const api = await testApi();
  for (let i = 1; i <= 3; i += 1)
    await api.manager.createSecret(`OPENAI_KEY_${i}`, `sk-openai-${i}-xyz`, 'production');
  for (let i = 1; i <= 10; i += 1)
    await api.manager.createSecret(`OTHER_${i}`, `other-${i}-xyz`, 'production');
  return api;
}

describe('GET /api/secrets/audit: one paging rule', () => {
  it('limit alone returns the newest entries, oldest first; before and after page by id', async () => {
    const { app, tokens } = await seeded();
    const get = async (query: string) =>
      (await json(await call(app, 'GET', `/api/secrets/audit?${query}`, { token: tokens.admin }))) as Entry[];
    const all = await get('');
    const latest = await get('limit=3');
    expect(names(latest)).toEqual(['OTHER_8', 'OTHER_9', 'OTHER_10']);
    expect(latest.map((e) => e.id)).toEqual(all.slice(-3).map((e) => e.id));
    expect(names(await get(`limit=2&before=${latest[0]!.id}`))).toEqual(['OTHER_6', 'OTHER_7']);
    const first = all.find((e) => e.secret_name === 'OPENAI_KEY_1')!;
    expect(names(await get(`limit=2&after=${first.id}`))).toEqual(['OPENAI_KEY_2', 'OPENAI_KEY_3']);
  });

  it('a scoped viewer asking for the latest 3 gets the latest 3 it may see, not []', async () => {
    const { app, manager } = await seeded();
    const { token } = await manager.createToken({ role: 'viewer', secrets: ['OPENAI_*'] });
    const latest = (await json(await call(app, 'GET', '/api/secrets/audit?limit=2', { token }))) as Entry[];
    expect(names(latest)).toEqual(['OPENAI_KEY_2', 'OPENAI_KEY_3']);
  });
});

describe('GET /api/secrets/audit: what was handed out, and filters', () => {
  it('a panel listing is audited as masked, a read of one name as value, a names-only listing as none', async () => {
    const { app, tokens } = await testApi();
    const admin = { token: tokens.admin };
    await call(app, 'POST', '/api/secrets', {
      ...admin,
      body: { name: 'DB_PASSWORD', value: 'hunter2-longer', environment: 'production' },
    });
    await call(app, 'GET', '/api/secrets?environment=production', admin);
    await call(app, 'GET', '/api/secrets/DB_PASSWORD?environment=production', admin);
    await call(app, 'GET', '/api/secrets?environment=production&names_only=true', { token: tokens.agent });
    const reads = (await json(
      await call(app, 'GET', '/api/secrets/audit?operation=READ', { token: tokens.viewer }),
    )) as Entry[];
    expect(reads.map((e) => e.disclosure)).toEqual(['masked', 'value', 'none']);
    const names = await json(
      await call(app, 'GET', '/api/secrets?environment=production&names_only=true', { token: tokens.viewer }),
    );
    expect(names).toEqual([expect.objectContaining({ name: 'DB_PASSWORD', rotation_status: 'ok' })]);
    expect(names[0]).not.toHaveProperty('value_masked');
    expect(JSON.stringify(names)).not.toContain('hunter');
    const both = await call(
      app,
      'GET',
      '/api/secrets?environment=production&names_only=true&reveal=true',
      admin,
    );
    expect(both.status).toBe(400);
    const plaintext = (await json(
      await call(
        app,
        'GET',
        '/api/secrets/audit?secret_name=DB_PASSWORD&disclosure=value&result=success',
        admin,
      ),
    )) as Entry[];
    expect(plaintext).toHaveLength(1);
  });

  it('filters by token, master key, operation, role, requester, result and time; refuses bad filters with 400', async () => {
    const { app, manager, tokens } = await testApi();
    const admin = { token: tokens.admin };
    const { id } = await manager.createToken({ role: 'viewer' });
    await manager.revokeToken(id);
    await call(app, 'GET', '/api/secrets/MISSING?environment=production', { token: tokens.agent });
    const get = async (query: string) =>
      (await json(await call(app, 'GET', `/api/secrets/audit?${query}`, admin))) as Entry[];
    expect((await get(`secret_name=token:${id}`)).map((e) => e.operation)).toEqual(['CREATE', 'DELETE']);
    expect(await get('secret_name=master-key')).toEqual([]);
    expect(names(await get('role=agent&result=failure'))).toEqual(['MISSING']);
    expect(names(await get('requester=lead-bot'))).toEqual(['MISSING']);
    expect(await get('until=2000-01-01T00:00:00Z')).toEqual([]);
    for (const bad of [
      'operation=READS',
      'role=root',
      'result=ok',
      'disclosure=plain',
      'before=x',
      'before=0',
      'secret_name=token:nothex',
    ]) {
      const response = await call(app, 'GET', `/api/secrets/audit?${bad}`, admin);
      expect([bad, response.status]).toEqual([bad, 400]);
    }
  });
});
