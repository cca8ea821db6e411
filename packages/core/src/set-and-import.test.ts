import { describe, expect, it } from 'vitest';
import { memoryManager } from './test-support.js';

describe('setSecret: create or update', () => {
  it('creates, then updates, auditing each as what it was', async () => {
    const manager = await memoryManager();
    expect(await manager.setSecret('OPENAI_API_KEY', 'first-value-1', 'production')).toBe('created');
    expect(await manager.setSecret('OPENAI_API_KEY', 'second-value-2', 'production')).toBe('updated');
    expect(await manager.setSecret('OPENAI_API_KEY', 'in-staging-3', 'staging')).toBe('created');
    expect(await manager.getSecret('OPENAI_API_KEY', 'admin', { environment: 'production' })).toBe(
      'second-value-2',
    );
    const trail = await manager.auditLog({ secretName: 'OPENAI_API_KEY' });
    expect(trail.map((e) => `${e.operation} ${e.environment} ${e.success}`)).toEqual([
      'CREATE production true',
      'UPDATE production true',
      'CREATE staging true',
      'READ production true',
    ]);
    const changes = await manager.changesSince(0);
    expect(changes.map((c) => c.kind)).toEqual(['created', 'updated', 'created']);
  });

  it('keeps rotation settings unless new ones are given', async () => {
    const manager = await memoryManager();
    await manager.setSecret('KEY', 'value-number-1', 'production', { rotateEverySeconds: 86_400 });
    await manager.setSecret('KEY', 'value-number-2', 'production');
    const [listed] = await manager.listSecrets('admin', 'production');
    expect(listed!.rotateEverySeconds).toBe(86_400);
  });

  it('refuses bad input and viewers, changing nothing', async () => {
    const manager = await memoryManager();
    await expect(manager.setSecret('1BAD', 'value-number-1', 'production')).rejects.toMatchObject({
      code: 'INVALID_SECRET_NAME',
      message: expect.not.stringContaining('entry'),
    });
    await expect(manager.setSecret('KEY', '', 'production')).rejects.toMatchObject({
      code: 'INVALID_SECRET_VALUE',
    });
    await expect(
      manager.setSecret('KEY', 'value-number-1', 'production', { requester: 'viewer' }),
    ).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(await manager.listSecrets('admin', 'production')).toEqual([]);
  });
});

describe('importSecrets: all or nothing', () => {
  it('creates new ones, skips existing ones unless overwrite', async () => {
    const manager = await memoryManager();
    await manager.createSecret('B', 'old-value-b', 'staging');
    const entries = [
      { name: 'A', value: 'value-of-a' },
      { name: 'B', value: 'new-value-b' },
    ];
    expect(await manager.importSecrets(entries, 'staging')).toEqual({
      created: ['A'],
      updated: [],
      skipped: ['B'],
    });
    expect(await manager.getSecret('B', 'admin', { environment: 'staging' })).toBe('old-value-b');
    expect(await manager.importSecrets(entries, 'staging', { overwrite: true })).toEqual({
      created: [],
      updated: ['A', 'B'],
      skipped: [],
    });
    expect(await manager.getSecret('B', 'admin', { environment: 'staging' })).toBe('new-value-b');
    expect((await manager.verifyAuditLog()).ok).toBe(true);
  });

  it('writes nothing when any entry is invalid, and says which entry without its value', async () => {
    const manager = await memoryManager();
    const entries = [
      { name: 'GOOD', value: 'good-value-1' },
      { name: 'ALSO_GOOD', value: 'x'.repeat(70_000) },
    ];
    await expect(manager.importSecrets(entries, 'staging')).rejects.toMatchObject({
      code: 'INVALID_SECRET_VALUE',
      message: expect.stringMatching(/^entry 2: /),
    });
    await expect(
      manager.importSecrets(
        [
          { name: 'A', value: 'value-1-long' },
          { name: 'A', value: 'value-2-long' },
        ],
        'staging',
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('repeats') });
    await expect(manager.importSecrets([], 'staging')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(manager.importSecrets('A=1' as never, 'staging')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(await manager.listSecrets('admin', 'staging')).toEqual([]);
    expect(await manager.auditLog()).toEqual([]);
  });

  it('says in details which entry and field was refused, so no caller parses the message', async () => {
    const manager = await memoryManager();
    const batch = await manager
      .importSecrets(
        [
          { name: 'GOOD', value: 'good-value-1' },
          { name: '9BAD', value: 'good-value-2' },
        ],
        'staging',
      )
      .catch((error: unknown) => error);
    expect(batch).toMatchObject({ code: 'INVALID_SECRET_NAME', details: { entry: 2, field: 'name' } });
    const cause = (batch as Error).cause as Error;
    expect(cause).toMatchObject({ code: 'INVALID_SECRET_NAME' });
    expect((batch as Error).message).toBe(`entry 2: ${cause.message}`);

    const single = await manager
      .importSecrets([{ name: 'BIG', value: 'x'.repeat(70_000) }], 'staging')
      .catch((error: unknown) => error);
    expect(single).toMatchObject({ code: 'INVALID_SECRET_VALUE', details: { entry: 1, field: 'value' } });
    expect((single as Error).message).not.toMatch(/^entry /);

    const twice = await manager
      .importSecrets(
        [
          { name: 'A', value: 'value-1-long' },
          { name: 'A', value: 'value-2-long' },
        ],
        'staging',
      )
      .catch((error: unknown) => error);
    expect(twice).toMatchObject({ code: 'INVALID_ARGUMENT', details: { entry: 2, field: 'name' } });

    const notFound = await manager.getSecret('MISSING', 'admin', { environment: 'staging' }).catch((e) => e);
    expect(notFound).toMatchObject({ code: 'SECRET_NOT_FOUND', details: {} });
    expect(JSON.stringify((batch as { details: unknown }).details)).not.toContain('good-value');
  });

  it('writes nothing when one entry is refused', async () => {
    const manager = await memoryManager();
    const admin = { role: 'admin', secrets: ['APP_*'] } as const;
    await expect(
      manager.importSecrets(
        [
          { name: 'APP_KEY', value: 'value-of-app' },
          { name: 'OTHER_KEY', value: 'value-other' },
        ],
        'staging',
        { requester: admin },
      ),
    ).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(await manager.listSecrets('admin', 'staging')).toEqual([]);
  });
});
