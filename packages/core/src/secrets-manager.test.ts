import { describe, expect, it } from 'vitest';
import { Environment, Role } from './index.js';
import { SecretsManager } from './secrets-manager.js';
import { memoryManager, newMasterKey, onCleanup } from './test-support.js';

describe('FR-1: master key from the environment', () => {
  it('FR-1.1: opens with IRON_CAGE_MASTER_KEY set', async () => {
    const manager = await SecretsManager.open({
      database: ':memory:',
      env: { IRON_CAGE_MASTER_KEY: newMasterKey() },
    });
    onCleanup(() => manager.close());
    expect(manager.isInitialized()).toBe(true);
  });

  it('FR-1.3: MASTER_KEY_NOT_FOUND when the variable is missing, saying how to make one', async () => {
    const opening = SecretsManager.open({ database: ':memory:', env: {} });
    await expect(opening).rejects.toMatchObject({
      code: 'MASTER_KEY_NOT_FOUND',
      message: expect.stringContaining('openssl rand -base64 32'),
    });
  });

  it('FR-1.2: INVALID_MASTER_KEY for anything but base64 of 32 bytes', async () => {
    const short = Buffer.alloc(16, 1).toString('base64');
    await expect(
      SecretsManager.open({ database: ':memory:', env: { IRON_CAGE_MASTER_KEY: short } }),
    ).rejects.toMatchObject({
      code: 'INVALID_MASTER_KEY',
    });
  });

  it('is no longer initialised once closed, and refuses further calls', async () => {
    const manager = await memoryManager();
    await manager.close();
    expect(manager.isInitialized()).toBe(false);
    await expect(manager.getSecret('KEY')).rejects.toMatchObject({ code: 'MANAGER_CLOSED' });
    await manager.close();
  });
});

describe('FR-5: CRUD', () => {
  it('creates, reads, updates and deletes (the spec test)', async () => {
    const manager = await memoryManager();
    const id = await manager.createSecret('OPENAI_KEY', 'sk-proj-abc123', Environment.Production);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    expect(await manager.getSecret('OPENAI_KEY', Role.Admin)).toBe('sk-proj-abc123');

    await manager.updateSecret('OPENAI_KEY', 'sk-proj-xyz789');
    expect(await manager.getSecret('OPENAI_KEY', Role.Admin)).toBe('sk-proj-xyz789');

    await manager.deleteSecret('OPENAI_KEY');
    await expect(manager.getSecret('OPENAI_KEY', Role.Admin)).rejects.toMatchObject({
      code: 'SECRET_NOT_FOUND',
    });
  });

  it('FR-5.1: refuses a duplicate in the same environment (R1)', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', 'first-value', 'production');
    await expect(manager.createSecret('KEY', 'second-value', 'production')).rejects.toMatchObject({
      code: 'SECRET_ALREADY_EXISTS',
    });
    expect(await manager.getSecret('KEY', 'admin')).toBe('first-value');
  });

  it('FR-5.3/5.4: updating or deleting a missing secret is SECRET_NOT_FOUND', async () => {
    const manager = await memoryManager();
    await expect(manager.updateSecret('MISSING', 'value')).rejects.toMatchObject({
      code: 'SECRET_NOT_FOUND',
    });
    await expect(manager.deleteSecret('MISSING')).rejects.toMatchObject({ code: 'SECRET_NOT_FOUND' });
  });

  it('FR-5.5: lists the secrets of the environment, by name, masked for an admin', async () => {
    const manager = await memoryManager();
    await manager.createSecret('B_KEY', 'sk-proj-abc123def456ghi789', 'production');
    await manager.createSecret('A_KEY', 'medium_length', 'production');
    const listed = await manager.listSecrets('admin', 'production');
    expect(listed.map((s) => [s.name, s.valueMasked, s.value])).toEqual([
      ['A_KEY', 'med...gth', undefined],
      ['B_KEY', 'sk-proj-ab...789', undefined],
    ]);
    expect(listed[0]).toMatchObject({
      environment: 'production',
      rotationStatus: 'ok',
      createdAt: expect.any(Date),
    });
  });

  it('keeps the value across many round trips (100 secrets)', async () => {
    const manager = await memoryManager();
    const values = Array.from({ length: 100 }, (_, i) => `value-${i}-${'x'.repeat(i)}`);
    await Promise.all(values.map((value, i) => manager.createSecret(`KEY_${i}`, value, 'staging')));
    const listed = await manager.listSecrets('agent', 'staging');
    expect(Object.fromEntries(listed.map((s) => [s.name, s.value]))).toEqual(
      Object.fromEntries(values.map((value, i) => [`KEY_${i}`, value])),
    );
  });
});

describe('FR-9 + R1: environments', () => {
  it('FR-9.3: list_secrets filters by environment (the spec test)', async () => {
    const manager = await memoryManager();
    await manager.createSecret('DEV_KEY', 'dev_value', Environment.Development);
    await manager.createSecret('PROD_KEY', 'prod_value', Environment.Production);

    const dev = await manager.listSecrets(Role.Agent, Environment.Development);
    expect(dev.map((s) => s.name)).toEqual(['DEV_KEY']);
    const prod = await manager.listSecrets(Role.Agent, Environment.Production);
    expect(prod.map((s) => s.name)).toEqual(['PROD_KEY']);
    expect(prod[0]!.value).toBe('prod_value');
  });

  it('R1: the same name lives in each environment with its own value', async () => {
    const manager = await memoryManager();
    await manager.createSecret('OPENAI_API_KEY', 'dev-key-value', 'development');
    await manager.createSecret('OPENAI_API_KEY', 'prod-key-value', 'production');
    expect(await manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'development' })).toBe(
      'dev-key-value',
    );
    expect(await manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' })).toBe(
      'prod-key-value',
    );
  });

  it('R1: without an environment, several matches are AMBIGUOUS_ENVIRONMENT, naming them', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', 'dev-key-value', 'development');
    await manager.createSecret('KEY', 'prod-key-value', 'production');
    await expect(manager.getSecret('KEY', 'admin')).rejects.toMatchObject({
      code: 'AMBIGUOUS_ENVIRONMENT',
      message: expect.stringContaining('development, production'),
    });
    await expect(manager.updateSecret('KEY', 'new-value')).rejects.toMatchObject({
      code: 'AMBIGUOUS_ENVIRONMENT',
    });
    await expect(manager.deleteSecret('KEY')).rejects.toMatchObject({ code: 'AMBIGUOUS_ENVIRONMENT' });
  });

  it('R1: a scoped requester resolves the name among its own environments only', async () => {
    const manager = await memoryManager();
    await manager.createSecret('KEY', 'dev-key-value', 'development');
    await manager.createSecret('KEY', 'prod-key-value', 'production');
    const agent = { role: 'agent', environments: ['production'] } as const;
    expect(await manager.getSecret('KEY', agent)).toBe('prod-key-value');
  });

  it('FR-9.4: a production agent cannot reach development or staging secrets', async () => {
    const manager = await memoryManager();
    await manager.createSecret('DEV_ONLY', 'dev-key-value', 'development');
    const agent = { role: 'agent', agentId: 'prod-bot', environments: ['production'] } as const;
    await expect(manager.getSecret('DEV_ONLY', agent, { environment: 'development' })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
    await expect(manager.getSecret('DEV_ONLY', agent)).rejects.toMatchObject({ code: 'SECRET_NOT_FOUND' });
    await expect(manager.listSecrets(agent, 'development')).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
  });

  it('FR-9.1: refuses an unknown environment', async () => {
    const manager = await memoryManager();
    await expect(manager.createSecret('KEY', 'value-1', 'prod')).rejects.toMatchObject({
      code: 'INVALID_ENVIRONMENT',
    });
    await expect(manager.listSecrets('admin', 'qa')).rejects.toMatchObject({ code: 'INVALID_ENVIRONMENT' });
  });
});

describe('rotation settings (R8)', () => {
  it('reports ok, due and expired', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const manager = await memoryManager({ clock: () => now });
    await manager.createSecret('ROTATED', 'value-one', 'production', { rotateEverySeconds: 86_400 });
    await manager.createSecret('EXPIRING', 'value-two', 'production', {
      expiresAt: new Date('2026-01-03T00:00:00Z'),
    });
    const status = async () =>
      Object.fromEntries(
        (await manager.listSecrets('admin', 'production')).map((s) => [s.name, s.rotationStatus]),
      );
    expect(await status()).toEqual({ EXPIRING: 'ok', ROTATED: 'ok' });
    now = new Date('2026-01-02T00:00:01Z');
    expect(await status()).toEqual({ EXPIRING: 'ok', ROTATED: 'due' });
    now = new Date('2026-01-03T00:00:00Z');
    expect(await status()).toEqual({ EXPIRING: 'expired', ROTATED: 'due' });
    await manager.updateSecret('ROTATED', 'value-three');
    expect((await status()).ROTATED).toBe('ok');
  });

  it('refuses a past expiry or a nonsense interval', async () => {
    const manager = await memoryManager();
    await expect(
      manager.createSecret('K', 'value-1', 'production', { expiresAt: new Date(0) }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      manager.createSecret('K', 'value-1', 'production', { rotateEverySeconds: -5 }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('the change feed', () => {
  it('records creates, updates and deletes in order, without values', async () => {
    const manager = await memoryManager();
    expect(await manager.changeSequence()).toBe(0);
    await manager.createSecret('KEY', 'value-1', 'production');
    await manager.updateSecret('KEY', 'value-2');
    await manager.createSecret('OTHER', 'value-3', 'staging');
    await manager.deleteSecret('KEY');
    expect(await manager.changeSequence()).toBe(4);
    const changes = await manager.changesSince(1);
    expect(changes.map((c) => [c.seq, c.kind, c.name, c.environment])).toEqual([
      [2, 'updated', 'KEY', 'production'],
      [3, 'created', 'OTHER', 'staging'],
      [4, 'deleted', 'KEY', 'production'],
    ]);
    const scoped = await manager.changesSince(0, { requester: { role: 'agent', environments: ['staging'] } });
    expect(scoped.map((c) => c.name)).toEqual(['OTHER']);
    expect((await manager.changesSince(0, { limit: 2 })).map((c) => c.seq)).toEqual([1, 2]);
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await expect(manager.changesSince(0, { limit })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });
});
