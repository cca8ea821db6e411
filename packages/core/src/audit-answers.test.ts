/**
 * Issue 15: the audit trail answers an auditor's questions. One paging rule (newest N, before an
 * id, after an id); a scope that does not eat the limit; what each READ handed out; and filters
 * for every subject, operation, requester, result and time.
 */
import { describe, expect, it } from 'vitest';
import { memoryManager, newMasterKey } from './test-support.js';

async function seeded() {
  const manager = await memoryManager();
  for (let i = 1; i <= 4; i += 1)
    await manager.createSecret(`OPENAI_KEY_${i}`, `sk-openai-${i}-value`, 'production');
  for (let i = 1; i <= 20; i += 1) await manager.createSecret(`OTHER_${i}`, `other-${i}-value`, 'production');
  return manager;
}

const names = (entries: readonly { secretName: string }[]) => entries.map((e) => e.secretName);
const ids = (entries: readonly { id: number }[]) => entries.map((e) => e.id);

describe('issue 15: one paging rule for the audit trail', () => {
  it('limit alone gives the newest N, oldest first; beforeId the newest older; afterId the oldest newer', async () => {
    const manager = await seeded();
    const all = await manager.auditLog();
    expect(all).toHaveLength(24);
    const newest = await manager.auditLog({ limit: 3 });
    expect(ids(newest)).toEqual(ids(all.slice(-3)));
    const before = await manager.auditLog({ limit: 3, beforeId: newest[0]!.id });
    expect(ids(before)).toEqual(ids(all.slice(-6, -3)));
    const after = await manager.auditLog({ limit: 3, afterId: all[1]!.id });
    expect(ids(after)).toEqual(ids(all.slice(2, 5)));
    const window = await manager.auditLog({ afterId: all[1]!.id, beforeId: all[4]!.id });
    expect(ids(window)).toEqual(ids(all.slice(2, 4)));
    await expect(manager.auditLog({ beforeId: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a scope filters before the limit: a viewer scoped to OPENAI_* gets its newest 3, not []', async () => {
    const manager = await seeded();
    const viewer = { role: 'viewer' as const, secrets: ['OPENAI_*'] };
    const latest = await manager.auditLog({ limit: 3, requester: viewer });
    expect(names(latest)).toEqual(['OPENAI_KEY_2', 'OPENAI_KEY_3', 'OPENAI_KEY_4']);
    const older = await manager.auditLog({ limit: 3, beforeId: latest[0]!.id, requester: viewer });
    expect(names(older)).toEqual(['OPENAI_KEY_1']);
    const production = { role: 'viewer' as const, environments: ['staging' as const] };
    expect(await manager.auditLog({ limit: 3, requester: production })).toEqual([]);
  });

  it('a scope is applied as the token reads it: t* reaches no token entry, _ is a literal, environments exact', async () => {
    const manager = await memoryManager();
    await manager.createSecret('A_B', 'value-ab-1', 'production');
    await manager.createSecret('AXB', 'value-axb-1', 'production');
    await manager.createSecret('TOOL', 'value-tool-1', 'staging');
    const { id } = await manager.createToken({ role: 'viewer' });
    const seen = async (requester: {
      role: 'viewer';
      secrets?: string[];
      environments?: ('staging' | 'production')[];
    }) => names(await manager.auditLog({ requester }));
    expect(await seen({ role: 'viewer', secrets: ['t*', 'T*'] })).toEqual(['TOOL']);
    expect(await seen({ role: 'viewer', secrets: ['*e*', '*'] })).toEqual(['A_B', 'AXB', 'TOOL']);
    expect(await seen({ role: 'viewer', secrets: ['A_B'] })).toEqual(['A_B']);
    expect(await seen({ role: 'viewer', environments: ['staging'] })).toEqual(['TOOL']);
    expect(await seen({ role: 'viewer' })).toContain(`token:${id}`);
    expect(
      await manager.auditLog({ secretName: `token:${id}`, requester: { role: 'viewer', secrets: ['*'] } }),
    ).toEqual([]);
  });

  it('a scoped change feed is not handed [] while its changes wait behind others', async () => {
    const manager = await memoryManager();
    for (let i = 1; i <= 5; i += 1) await manager.createSecret(`OTHER_${i}`, 'value-x', 'production');
    await manager.createSecret('OPENAI_KEY', 'sk-value', 'production');
    const agent = { role: 'agent' as const, secrets: ['OPENAI_*'] };
    const changes = await manager.changesSince(0, { requester: agent, limit: 2 });
    expect(changes.map((c) => c.name)).toEqual(['OPENAI_KEY']);
  });

  it('following with a backlog gives a scoped follower its newest entries too', async () => {
    const manager = await seeded();
    const follow = await manager.followAuditLog({
      backlog: 2,
      requester: { role: 'viewer', secrets: ['OPENAI_*'] },
    });
    const iterator = follow[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(names(first.value!)).toEqual(['OPENAI_KEY_3', 'OPENAI_KEY_4']);
    await follow.close();
  });
});

describe('issue 15: a READ records what it handed out', () => {
  it('value, masked or none, for every way of reading', async () => {
    const manager = await memoryManager();
    await manager.createSecret('DB_PASSWORD', 'correct-horse-battery', 'production');
    const start = (await manager.auditLog()).at(-1)!.id;
    await manager.listSecrets('admin', 'production'); // the panel's masked listing
    await manager.listSecrets('admin', 'production', { reveal: true });
    await manager.listSecrets({ role: 'agent', agentId: 'bot' }, 'production');
    await manager.listSecretNames({ role: 'agent', agentId: 'names-only' }, 'production');
    await manager.getSecret('DB_PASSWORD', 'viewer');
    await manager.getSecret('DB_PASSWORD', 'admin');
    await manager.getSecret('DB_PASSWORD', 'admin', { masked: true });
    await manager.listSecrets('viewer', 'production', { reveal: true }).catch(() => undefined);
    const reads = await manager.auditLog({ afterId: start });
    expect(reads.map((e) => [e.requesterRole, e.agentId, e.disclosure, e.success])).toEqual([
      ['admin', null, 'masked', true],
      ['admin', null, 'value', true],
      ['agent', 'bot', 'value', true],
      ['agent', 'names-only', 'none', true],
      ['viewer', null, 'masked', true],
      ['admin', null, 'value', true],
      ['admin', null, 'masked', true],
      ['viewer', null, 'value', false], // asked for the plaintext, refused
    ]);
    // Who saw the plaintext of DB_PASSWORD: exactly the three value reads that succeeded.
    const plaintext = await manager.auditLog({
      secretName: 'DB_PASSWORD',
      disclosure: 'value',
      success: true,
    });
    expect(plaintext.map((e) => e.agentId ?? e.requesterRole)).toEqual(['admin', 'bot', 'admin']);
    // Non-READs record none.
    expect((await manager.auditLog({ operation: 'CREATE' }))[0]!.disclosure).toBeNull();
    expect(await manager.verifyAuditLog()).toMatchObject({ ok: true });
  });

  it('a names-only listing hands out no value, not even masked, and agents may use it', async () => {
    const manager = await memoryManager();
    await manager.createSecret('OPENAI_API_KEY', 'sk-proj-abcdef123456', 'production', {
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const [listed] = await manager.listSecretNames('agent', 'production');
    expect(listed).toMatchObject({ name: 'OPENAI_API_KEY', environment: 'production', rotationStatus: 'ok' });
    expect(JSON.stringify(listed)).not.toContain('sk-proj');
    expect(listed).not.toHaveProperty('valueMasked');
    expect(listed).not.toHaveProperty('value');
    const scoped = { role: 'agent' as const, secrets: ['NOTHING_*'] };
    expect(await manager.listSecretNames(scoped, 'production')).toEqual([]);
  });
});

describe('issue 15: filters for every subject, operation, requester, result and time', () => {
  it('master-key and token:<id> entries can be asked for, by operation, requester, result and time', async () => {
    let now = new Date('2026-05-01T00:00:00Z');
    const manager = await memoryManager({ clock: () => now });
    await manager.createSecret('A', 'value-a', 'production');
    const { id, token } = await manager.createToken({
      role: 'agent',
      agentId: 'bot',
      environments: ['production'],
    });
    now = new Date('2026-05-02T00:00:00Z');
    const requester = await manager.authenticateToken(token);
    await manager.getSecret('A', requester);
    await manager.getSecret('MISSING', requester).catch(() => undefined);
    await manager.revokeToken(id);
    await manager.rotateMasterKey(newMasterKey());

    expect((await manager.auditLog({ secretName: `token:${id}` })).map((e) => e.operation)).toEqual([
      'CREATE',
      'DELETE',
    ]);
    expect(names(await manager.auditLog({ requestedBy: id }))).toEqual(['A', 'MISSING']);
    expect(names(await manager.auditLog({ requestedBy: 'bot', success: false }))).toEqual(['MISSING']);
    expect(
      names(await manager.auditLog({ operation: 'READ', requesterRole: 'agent', success: true })),
    ).toEqual(['A']);
    expect(
      names(
        await manager.auditLog({
          since: new Date('2026-05-01T12:00:00Z'),
          until: new Date('2026-05-03T00:00:00Z'),
        }),
      ),
    ).toEqual(['A', 'MISSING', `token:${id}`, 'master-key']);
    expect(names(await manager.auditLog({ until: new Date('2026-05-01T12:00:00Z') }))).toEqual([
      'A',
      `token:${id}`,
    ]);
    expect((await manager.auditLog({ secretName: 'master-key' })).map((e) => e.operation)).toEqual([
      'UPDATE',
    ]);
    expect(await manager.auditLog({ secretName: '*' })).toEqual([]);
  });

  it('refuses a filter that is not one, saying what was expected, without echoing a token', async () => {
    const manager = await memoryManager();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ operation: 'READS' }, /operation must be one of CREATE, READ, UPDATE, DELETE/],
      [{ requesterRole: 'root' }, /requesterRole must be one of admin, viewer, agent/],
      [{ disclosure: 'plaintext' }, /disclosure must be one of value, masked, none/],
      [{ success: 'yes' }, /success must be true or false/],
      [{ secretName: 'token:iron_abcdef-secret-token' }, /12 hexadecimal digits/],
      [{ secretName: 'not a name' }, /master-key, token:<id> or \*/],
    ];
    for (const [query, message] of cases) {
      const error = await manager.auditLog(query as never).catch((e: Error) => e);
      expect(error).toMatchObject({ message: expect.stringMatching(message) });
      expect((error as Error).message).not.toContain('secret-token');
    }
  });
});
