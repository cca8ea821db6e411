import { describe, expect, it } from 'vitest';
import { SecretsManager } from './secrets-manager.js';
import { fileManager, memoryManager } from './test-support.js';

describe('FR-8: audit logging', () => {
  it('FR-8.1/8.4: logs CREATE, READ, UPDATE (the spec test)', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', 'value', 'production');
    await manager.getSecret('KEY', 'admin');
    await manager.updateSecret('KEY', 'new_value');

    const log = await manager.auditLog();
    expect(log).toHaveLength(3);
    expect(log.map((e) => e.operation)).toEqual(['CREATE', 'READ', 'UPDATE']);
    expect(log[0]).toMatchObject({
      operation: 'CREATE',
      secretName: 'KEY',
      requesterRole: 'admin',
      success: true,
    });
    expect(log[0]!.timestamp).toBeInstanceOf(Date);
  });

  it('logs deletes, list reads per secret, agent ids and failures, never a value', async () => {
    const manager = await memoryManager();
    const value = 'sk-proj-very-secret-value-123';
    await manager.createSecret('A', value, 'production');
    await manager.createSecret('B', `${value}-b`, 'production');
    await manager.listSecrets({ role: 'agent', agentId: 'agent-001', id: 'token-7' }, 'production');
    await manager.getSecret('MISSING', 'agent').catch(() => undefined);
    await manager.deleteSecret('A');
    const log = await manager.auditLog();
    expect(log.map((e) => [e.operation, e.secretName, e.success])).toEqual([
      ['CREATE', 'A', true],
      ['CREATE', 'B', true],
      ['READ', 'A', true],
      ['READ', 'B', true],
      ['READ', 'MISSING', false],
      ['DELETE', 'A', true],
    ]);
    expect(log[2]).toMatchObject({ agentId: 'agent-001', requesterId: 'token-7', environment: 'production' });
    expect(log[4]!.errorMessage).toContain('SECRET_NOT_FOUND');
    const text = JSON.stringify(log);
    expect(text).not.toContain(value);
    expect(text).not.toContain('sk-proj-ve'); // not even masked (R3)
  });

  it('filters by secret, environment and time, and pages', async () => {
    let now = new Date('2026-03-01T00:00:00Z');
    const manager = await memoryManager({ clock: () => now });
    await manager.createSecret('A', 'value-a', 'production');
    now = new Date('2026-03-02T00:00:00Z');
    await manager.createSecret('B', 'value-b', 'staging');
    expect((await manager.auditLog({ secretName: 'B' })).map((e) => e.secretName)).toEqual(['B']);
    expect((await manager.auditLog({ environment: 'production' })).map((e) => e.secretName)).toEqual(['A']);
    expect(
      (await manager.auditLog({ since: new Date('2026-03-01T12:00:00Z') })).map((e) => e.secretName),
    ).toEqual(['B']);
    // Issue 15: limit alone is the newest N, as in the CLI and the API.
    expect((await manager.auditLog({ limit: 1 })).map((e) => e.secretName)).toEqual(['B']);
    expect((await manager.auditLog({ limit: 1, latest: true })).map((e) => e.secretName)).toEqual(['B']);
    await manager.createSecret('C', 'value-c', 'staging');
    expect((await manager.auditLog({ limit: 2, latest: true })).map((e) => e.secretName)).toEqual(['B', 'C']);
    const first = (await manager.auditLog({ afterId: 0, limit: 1 }))[0]!;
    expect((await manager.auditLog({ afterId: first.id })).map((e) => e.secretName)).toEqual(['B', 'C']);
    await expect(manager.auditLog({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(manager.auditLog({ since: new Date('nope') })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(manager.auditLog({ requester: 'agent' })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
  });

  it('R3: a refused operation leaves its entry and no change; verify passes', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', 'value-1', 'production');
    await expect(manager.deleteSecret('KEY', { requester: 'viewer' })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
    expect(await manager.getSecret('KEY')).toBe('value-1');
    expect((await manager.auditLog()).map((e) => [e.operation, e.success])).toEqual([
      ['CREATE', true],
      ['DELETE', false],
      ['READ', true],
    ]);
    expect(await manager.verifyAuditLog()).toEqual({ ok: true, entries: 3 });
  });
});

describe('FR-8.3 + R3: the audit log cannot be changed unnoticed', () => {
  async function withHistory() {
    const opened = await fileManager();
    await opened.manager.createSecret('KEY', 'value-1', 'production');
    await opened.manager.getSecret('KEY', 'agent');
    await opened.manager.updateSecret('KEY', 'value-2');
    return opened;
  }

  it('raw UPDATE and DELETE on the audit table fail', async () => {
    const { raw } = await withHistory();
    await expect(raw("UPDATE secret_audit_log SET requester_role = 'viewer' WHERE id = 2")).rejects.toThrow(
      /append-only/,
    );
    await expect(raw('DELETE FROM secret_audit_log WHERE id = 2')).rejects.toThrow(/append-only/);
  });

  it("an edit behind the triggers' back is reported by verifyAuditLog", async () => {
    const { manager, raw, dropTrigger } = await withHistory();
    expect(await manager.verifyAuditLog()).toEqual({ ok: true, entries: 3 });
    await dropTrigger('secret_audit_log_no_update', 'secret_audit_log');
    await raw("UPDATE secret_audit_log SET agent_id = 'someone-else' WHERE id = 2");
    expect(await manager.verifyAuditLog()).toMatchObject({
      ok: false,
      firstBadId: 2,
      reason: expect.stringContaining('edited'),
    });
  });

  it("a deletion behind the triggers' back is reported too", async () => {
    const { manager, raw, dropTrigger } = await withHistory();
    await dropTrigger('secret_audit_log_no_delete', 'secret_audit_log');
    await raw('DELETE FROM secret_audit_log WHERE id = 2');
    expect(await manager.verifyAuditLog()).toMatchObject({
      ok: false,
      firstBadId: 3,
      reason: expect.stringContaining('deleted'),
    });
  });

  it('FR-8.5: pruning past retention keeps the rest verifiable', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const manager = await memoryManager({ clock: () => now, auditRetentionDays: 30 });
    await manager.createSecret('OLD', 'value-1', 'production');
    await manager.getSecret('OLD');
    now = new Date('2026-03-01T00:00:00Z');
    await manager.getSecret('OLD');
    expect(await manager.pruneAuditLog()).toEqual({ pruned: 2 });
    expect((await manager.auditLog()).map((e) => e.operation)).toEqual(['READ']);
    expect(await manager.verifyAuditLog()).toEqual({ ok: true, entries: 1 });
    await manager.updateSecret('OLD', 'value-2');
    expect(await manager.verifyAuditLog()).toEqual({ ok: true, entries: 2 });
    await expect(manager.pruneAuditLog({ requester: 'viewer' })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
    await expect(manager.pruneAuditLog({ retentionDays: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('two managers writing one file keep one valid chain with one entry per operation', async () => {
    const first = await fileManager();
    const second = await SecretsManager.open({ database: first.database, masterKey: first.masterKey });
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? first.manager : second).createSecret(`KEY_${i}`, `value-${i}`, 'production'),
        ),
      );
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? second : first.manager).getSecret(`KEY_${i}`)),
      );
      expect(await first.manager.verifyAuditLog()).toEqual({ ok: true, entries: 40 });
    } finally {
      await second.close();
    }
  });
});
