import { describe, expect, it } from 'vitest';
import { SecretsManager } from './secrets-manager.js';
import { fileManager, newMasterKey, onCleanup } from './test-support.js';

describe('master-key rotation (R8)', () => {
  it('re-encrypts every secret, keeps values and the audit chain, and refuses the old key after', async () => {
    const { manager, database, masterKey } = await fileManager();
    await manager.createSecret('OPENAI_API_KEY', 'sk-proj-abc123def456', 'production');
    await manager.createSecret('DB_PASSWORD', 'hunter2-but-longer', 'staging', { rotateEverySeconds: 3600 });
    const before = await manager.listSecrets('admin', 'staging');
    // A second process with the old key, open before the rotation.
    const other = await SecretsManager.open({ database, masterKey });
    onCleanup(() => other.close());

    const progress: string[] = [];
    const newKey = newMasterKey();
    const result = await manager.rotateMasterKey(newKey, {
      onProgress: (done, total) => progress.push(`${done}/${total}`),
      requester: { role: 'admin', id: 'alice' },
    });
    expect(result).toEqual({ reencrypted: 2 });
    expect(progress).toEqual(['1/2', '2/2']);

    // The same manager continues under the new key.
    expect(await manager.getSecret('OPENAI_API_KEY', 'admin', { environment: 'production' })).toBe(
      'sk-proj-abc123def456',
    );
    const after = await manager.listSecrets('admin', 'staging');
    expect(after[0]!.updatedAt).toEqual(before[0]!.updatedAt);
    expect(after[0]!.rotateEverySeconds).toBe(3600);
    expect(await manager.changeSequence()).toBe(2); // no change events: no value changed
    const verification = await manager.verifyAuditLog();
    expect(verification.ok).toBe(true);
    expect((await manager.auditLog()).find((e) => e.secretName === 'master-key')).toMatchObject({
      operation: 'UPDATE',
      secretName: 'master-key',
      requesterId: 'alice',
      success: true,
    });

    // The old key: refused at open, and refused by the process that still holds it.
    await expect(SecretsManager.open({ database, masterKey })).rejects.toMatchObject({
      code: 'MASTER_KEY_MISMATCH',
    });
    await expect(other.createSecret('NEW_ONE', 'written-under-old-key', 'production')).rejects.toMatchObject({
      code: 'MASTER_KEY_MISMATCH',
    });
    await expect(other.setSecret('OPENAI_API_KEY', 'written-under-old', 'production')).rejects.toMatchObject({
      code: 'MASTER_KEY_MISMATCH',
    });
    await expect(
      other.getSecret('OPENAI_API_KEY', 'admin', { environment: 'production' }),
    ).rejects.toMatchObject({ code: 'MASTER_KEY_MISMATCH' });
    await expect(other.listSecrets('agent', 'staging')).rejects.toMatchObject({
      code: 'MASTER_KEY_MISMATCH',
    });

    // A new process with the new key reads everything.
    const reopened = await SecretsManager.open({ database, masterKey: newKey });
    onCleanup(() => reopened.close());
    expect(await reopened.getSecret('DB_PASSWORD', 'agent')).toBe('hunter2-but-longer');
    expect((await reopened.verifyAuditLog()).ok).toBe(true);
  });

  it('refuses the current key, a malformed key, and anyone but an unscoped admin, changing nothing', async () => {
    const { manager, masterKey } = await fileManager();
    await manager.createSecret('KEY', 'value-number-1', 'production');
    await expect(manager.rotateMasterKey(masterKey)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(manager.rotateMasterKey('not-a-key')).rejects.toMatchObject({ code: 'INVALID_MASTER_KEY' });
    for (const requester of ['viewer', 'agent', { role: 'admin', environments: ['production'] }] as const) {
      await expect(manager.rotateMasterKey(newMasterKey(), { requester })).rejects.toMatchObject({
        code: 'ACCESS_DENIED',
      });
    }
    expect(await manager.getSecret('KEY')).toBe('value-number-1');
  });

  it('rotates an empty database', async () => {
    const { manager, database } = await fileManager();
    const newKey = newMasterKey();
    expect(await manager.rotateMasterKey(newKey)).toEqual({ reencrypted: 0 });
    const reopened = await SecretsManager.open({ database, masterKey: newKey });
    onCleanup(() => reopened.close());
    expect((await reopened.verifyAuditLog()).ok).toBe(true);
  });
});
