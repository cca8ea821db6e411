/**
 * Issue 14, finding 5: following the audit trail as it is written, from any process or instance,
 * resuming by id without a gap or a repeat.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './operations/audit-log.js';
import type { AuditFollow } from './operations/follow-audit-log.js';
import { SecretsManager } from './secrets-manager.js';
import { backend, fileManager, onCleanup } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';

/** Collects what a follow yields, in the background. */
function collect(follow: AuditFollow): { entries: AuditEntry[]; done: Promise<void> } {
  const entries: AuditEntry[] = [];
  const done = (async () => {
    for await (const batch of follow) entries.push(...batch);
  })();
  return { entries, done };
}

async function pair() {
  const { manager, database, masterKey } = await fileManager();
  const writer = await SecretsManager.open({ database, masterKey });
  onCleanup(() => writer.close());
  return { manager, writer };
}

describe(`followAuditLog (${backend})`, () => {
  it("delivers another manager's entries as they commit, in id order, each once, never a value", async () => {
    const { manager, writer } = await pair();
    await writer.createSecret('OLD', VALUE, 'production'); // before the follow: not delivered
    const follow = await manager.followAuditLog({ requester: 'viewer' });
    const seen = collect(follow);
    const started = Date.now();
    await writer.createSecret('KEY', VALUE, 'production');
    await writer.getSecret('KEY', 'agent', { environment: 'production' }); // a READ: not announced on PostgreSQL
    await expect.poll(() => seen.entries.length, { timeout: 2_000, interval: 20 }).toBe(2);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(seen.entries.map((e) => [e.operation, e.secretName])).toEqual([
      ['CREATE', 'KEY'],
      ['READ', 'KEY'],
    ]);
    for (let i = 0; i < 5; i++) await writer.getSecret('KEY', 'agent', { environment: 'production' });
    await expect.poll(() => seen.entries.length, { timeout: 2_000, interval: 20 }).toBe(7);
    const ids = seen.entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(JSON.stringify(seen.entries)).not.toContain(VALUE);
    await follow.close();
    await seen.done;
  });

  it('resumes after an id: every later entry, then live ones, without repeating one', async () => {
    const { manager, writer } = await pair();
    for (const name of ['A', 'B', 'C']) await writer.createSecret(name, VALUE, 'staging');
    const all = await manager.auditLog();
    const resumeAt = all[0]!.id;
    const follow = await manager.followAuditLog({ afterId: resumeAt });
    const seen = collect(follow);
    await expect.poll(() => seen.entries.length, { timeout: 2_000, interval: 20 }).toBe(2);
    await writer.createSecret('D', VALUE, 'staging');
    await expect.poll(() => seen.entries.length, { timeout: 2_000, interval: 20 }).toBe(3);
    expect(seen.entries.map((e) => e.secretName)).toEqual(['B', 'C', 'D']);
    expect(seen.entries[0]!.id).toBeGreaterThan(resumeAt);
    await follow.close();
    await seen.done;

    // A second follower resuming where the first one stopped gets nothing twice.
    const resumed = await manager.followAuditLog({ afterId: seen.entries.at(-1)!.id });
    const again = collect(resumed);
    await writer.createSecret('E', VALUE, 'staging');
    await expect.poll(() => again.entries.length, { timeout: 2_000, interval: 20 }).toBe(1);
    expect(again.entries[0]!.secretName).toBe('E');
    await resumed.close();
    await again.done;
  });

  it('starts with the newest `backlog` entries when asked, like tail -n N -f', async () => {
    const { manager } = await pair();
    for (const name of ['A', 'B', 'C']) await manager.createSecret(name, VALUE, 'staging');
    const follow = await manager.followAuditLog({ backlog: 2 });
    const seen = collect(follow);
    await expect.poll(() => seen.entries.map((e) => e.secretName), { timeout: 2_000 }).toEqual(['B', 'C']);
    await follow.close();
    await seen.done;
  });

  it("keeps to the requester's scope and pages past what it may not see; agents are refused", async () => {
    const { manager, writer } = await pair();
    await expect(manager.followAuditLog({ requester: 'agent' })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
    const follow = await manager.followAuditLog({
      requester: { role: 'viewer', environments: ['staging'] },
      afterId: 0,
    });
    const seen = collect(follow);
    await writer.createSecret('P', VALUE, 'production');
    await writer.createSecret('S', VALUE, 'staging');
    await writer.createSecret('P2', VALUE, 'production');
    await writer.createSecret('S2', VALUE, 'staging');
    await expect.poll(() => seen.entries.map((e) => e.secretName), { timeout: 2_000 }).toEqual(['S', 'S2']);
    await follow.close();
    await seen.done;
  });

  it('catches up in pages when far behind, in order', async () => {
    const { manager, writer } = await pair();
    // More entries than one page (1,000): 40 CREATEs, then 27 listings audit 40 READs each.
    const names = Array.from({ length: 40 }, (_, i) => `KEY_${i}`);
    await writer.importSecrets(
      names.map((name) => ({ name, value: VALUE })),
      'production',
    );
    for (let i = 0; i < 27; i++) await writer.listSecrets('agent', 'production');
    const total = (await manager.auditLog({ limit: 10_000 })).length;
    expect(total).toBeGreaterThan(1_000);
    const follow = await manager.followAuditLog({ afterId: 0 });
    const seen = collect(follow);
    await expect.poll(() => seen.entries.length, { timeout: 10_000 }).toBe(total);
    const ids = seen.entries.map((e) => e.id);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    await follow.close();
    await seen.done;
  }, 60_000);

  it('ends while waiting when its signal aborts, and refuses bad options', async () => {
    const { manager } = await pair();
    const controller = new AbortController();
    const follow = await manager.followAuditLog({ signal: controller.signal });
    const seen = collect(follow);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await seen.done;
    expect(Date.now() - started).toBeLessThan(400);
    await expect(manager.followAuditLog({ afterId: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(manager.followAuditLog({ afterId: 3, backlog: 2 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
