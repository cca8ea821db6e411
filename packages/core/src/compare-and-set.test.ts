/**
 * Issue 16: compare-and-set. A read hands out the secret's entity tag; an update with `ifMatch`
 * writes only while the secret is still in that state, and otherwise fails PRECONDITION_FAILED,
 * audited, with nothing written.
 */
import { describe, expect, it } from 'vitest';
import { SecretsManager } from './secrets-manager.js';
import { fileManager, memoryManager, onCleanup } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';

describe('compare-and-set (ifMatch)', () => {
  it('a read gives the tag; an update with it succeeds once and hands out the next one', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', VALUE, 'production');
    const read = await manager.readSecret('KEY', 'admin', { environment: 'production' });
    expect(read.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    // Opaque: nothing of the value in it, and the same for a viewer's masked read.
    expect(read.etag).not.toContain('sk-proj');
    expect((await manager.readSecret('KEY', 'viewer', { environment: 'production' })).etag).toBe(read.etag);

    const updated = await manager.updateSecret('KEY', 'second-value', {
      environment: 'production',
      ifMatch: read.etag,
    });
    expect(updated.etag).not.toBe(read.etag);
    expect((await manager.readSecret('KEY', 'admin', { environment: 'production' })).etag).toBe(updated.etag);

    // The old tag again: the secret moved; nothing is written, and the refusal is audited.
    await expect(
      manager.updateSecret('KEY', 'third-value', { environment: 'production', ifMatch: read.etag }),
    ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(await manager.getSecret('KEY', 'admin', { environment: 'production' })).toBe('second-value');
    const [refused] = await manager.auditLog({ operation: 'UPDATE', success: false });
    expect(refused).toMatchObject({ secretName: 'KEY', environment: 'production' });
    expect(refused!.errorMessage).toMatch(/^PRECONDITION_FAILED/);

    // The tag bare (a script lost the quotes) and in a list: the same tag.
    const bare = updated.etag.slice(1, -1);
    const third = await manager.updateSecret('KEY', 'third-value', { ifMatch: bare });
    await manager.updateSecret('KEY', 'fourth-value', { ifMatch: `"nope", ${third.etag}` });
    // A weak tag never matches: If-Match compares strongly.
    const now = await manager.readSecret('KEY');
    await expect(manager.updateSecret('KEY', 'x', { ifMatch: `W/${now.etag}` })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    expect(await manager.verifyAuditLog()).toMatchObject({ ok: true });
  });

  it('* means "exists"; a missing secret fails the precondition', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', VALUE, 'production');
    await manager.updateSecret('KEY', 'second-value', { ifMatch: '*' });
    expect(await manager.getSecret('KEY')).toBe('second-value');
    await expect(manager.updateSecret('MISSING', 'x', { ifMatch: '*' })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    // Without ifMatch, a missing secret is not found, as always.
    await expect(manager.updateSecret('MISSING', 'x')).rejects.toMatchObject({ code: 'SECRET_NOT_FOUND' });
  });

  it('a tag of another secret, or of a deleted secret re-created under the same name, never matches', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', VALUE, 'production');
    await manager.createSecret('OTHER', VALUE, 'production');
    const other = await manager.readSecret('OTHER');
    await expect(manager.updateSecret('KEY', 'x', { ifMatch: other.etag })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    const before = await manager.readSecret('KEY');
    await manager.deleteSecret('KEY');
    await manager.createSecret('KEY', VALUE, 'production');
    const after = await manager.readSecret('KEY');
    // Same name, same version, same value: another row, so another tag.
    expect(after.etag).not.toBe(before.etag);
    await expect(manager.updateSecret('KEY', 'x', { ifMatch: before.etag })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    expect(await manager.getSecret('KEY')).toBe(VALUE);
  });

  it('a settings-only update takes ifMatch too', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', VALUE, 'production');
    const read = await manager.readSecret('KEY');
    const updated = await manager.updateSecret('KEY', undefined, {
      rotateEverySeconds: 60,
      ifMatch: read.etag,
    });
    expect(updated.rotateEverySeconds).toBe(60);
    await expect(
      manager.updateSecret('KEY', undefined, { rotateEverySeconds: 120, ifMatch: read.etag }),
    ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(await manager.getSecret('KEY')).toBe(VALUE);
  });

  it('a malformed or overlong ifMatch is refused as an argument, never echoed', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', VALUE, 'production');
    for (const ifMatch of [
      '"unterminated',
      'a b',
      '"x" "y"',
      '',
      ' , ',
      `"${'a'.repeat(2000)}"`,
      'sk-proj"secret',
    ]) {
      const failure = manager.updateSecret('KEY', 'x', { ifMatch });
      await expect(failure).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(failure).rejects.not.toThrow(/sk-proj|aaaaaaaaaa/);
    }
    await expect(
      manager.updateSecret('KEY', 'x', { ifMatch: 42 as unknown as string }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    // A viewer is refused for what it is, before any tag is compared.
    const read = await manager.readSecret('KEY');
    await expect(
      manager.updateSecret('KEY', 'x', { requester: 'viewer', ifMatch: read.etag }),
    ).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
    expect(await manager.getSecret('KEY')).toBe(VALUE);
  });
  it('racing compare-and-sets from one tag on two managers: exactly one wins, the rest fail the precondition', async () => {
    const first = await fileManager();
    const second = await SecretsManager.open({ database: first.database, masterKey: first.masterKey });
    onCleanup(() => second.close());
    await first.manager.createSecret('KEY', VALUE, 'production');
    const { etag } = await first.manager.readSecret('KEY');
    await second.getSecret('KEY'); // both hold the key: the race is in the write, not the derivation
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, n) =>
        (n % 2 === 0 ? first.manager : second).updateSecret('KEY', `racer-${n}`, { ifMatch: etag }),
      ),
    );
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'PRECONDITION_FAILED' });
    }
    const winner = results.findIndex((result) => result.status === 'fulfilled');
    expect(await second.getSecret('KEY')).toBe(`racer-${winner}`);
    const updates = await first.manager.auditLog({ operation: 'UPDATE' });
    expect(updates.filter((entry) => entry.success).map((entry) => entry.secretVersion)).toEqual([2]);
    expect(updates.filter((entry) => !entry.success)).toHaveLength(7);
    expect(await first.manager.verifyAuditLog()).toMatchObject({ ok: true });
  });

  it('a tag of the same name in another environment never matches', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', VALUE, 'production');
    await manager.createSecret('KEY', VALUE, 'staging');
    const staging = await manager.readSecret('KEY', 'admin', { environment: 'staging' });
    await expect(
      manager.updateSecret('KEY', 'x', { environment: 'production', ifMatch: staging.etag }),
    ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    // A listing hands out the same tags as a read; a refused write and a read leave them as they are.
    const [listed] = await manager.listSecrets('admin', 'staging');
    expect(listed!.etag).toBe(staging.etag);
    await expect(
      manager.updateSecret('KEY', 'x', { environment: 'staging', requester: 'agent' }),
    ).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
    expect((await manager.readSecret('KEY', 'viewer', { environment: 'staging' })).etag).toBe(staging.etag);
  });
});
