import {
  ACCESS_MATRIX,
  ENVIRONMENTS,
  type Environment,
  type Operation,
  ROLES,
  type Role,
} from '@iron/secrets-rbac';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SecretsManager } from './secrets-manager.js';
import { memoryManager } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';
const MASKED = 'sk-proj-ab...789';

/** Each FR-6.3 operation, performed through the public API by `role` on a secret in `environment`. */
const PERFORM: Record<
  Operation,
  (m: SecretsManager, role: Role, environment: Environment) => Promise<unknown>
> = {
  create: (m, role, environment) =>
    m.createSecret('NEW_KEY', 'new-value-1', environment, { requester: role }),
  read: (m, role, environment) => m.getSecret('KEY', role, { environment, masked: false }),
  read_masked: (m, role, environment) => m.getSecret('KEY', role, { environment, masked: true }),
  update: (m, role, environment) => m.updateSecret('KEY', 'updated-value', { environment, requester: role }),
  delete: (m, role, environment) => m.deleteSecret('KEY', { environment, requester: role }),
  list: (m, role, environment) => m.listSecrets(role, environment, { reveal: true }),
  list_masked: (m, role, environment) => m.listSecrets(role, environment, { masked: true }),
  read_audit: (m, role, environment) => m.auditLog({ requester: role, environment }),
  administer: (m, role, environment) =>
    m.createToken({ role: 'agent', environments: [environment], requester: role }),
};

const cells = Object.entries(ACCESS_MATRIX).flatMap(([operation, byRole]) =>
  ROLES.flatMap((role) =>
    ENVIRONMENTS.map((environment) => ({
      operation: operation as Operation,
      role,
      environment,
      allowed: byRole[role],
    })),
  ),
);

describe('FR-6.3: every role x operation x environment through the manager', () => {
  it.each(cells)(
    '$role $operation in $environment: allowed=$allowed',
    async ({ operation, role, environment, allowed }) => {
      const manager = await memoryManager();
      await manager.createSecret('KEY', VALUE, environment);
      const attempt = PERFORM[operation](manager, role, environment);
      if (allowed) {
        await expect(attempt).resolves.not.toThrow();
      } else {
        await expect(attempt).rejects.toMatchObject({
          code: 'ACCESS_DENIED',
          message: expect.stringContaining(role),
        });
        // A refused operation is audited as a failure (FR-6.4, R3), and changes nothing.
        if (operation !== 'read_audit') {
          const last = (await manager.auditLog()).at(-1)!;
          expect(last).toMatchObject({
            success: false,
            requesterRole: role,
            errorMessage: expect.stringContaining('ACCESS_DENIED'),
          });
        }
        expect(await manager.getSecret('KEY', 'admin', { environment })).toBe(VALUE);
        expect((await manager.listSecrets('admin', environment)).map((s) => s.name)).toEqual(['KEY']);
      }
    },
  );
});

describe('FR-6: what each role gets', () => {
  let manager: SecretsManager;
  beforeEach(async () => {
    manager = await memoryManager();
    await manager.createSecret('OPENAI', VALUE, 'production');
  });

  it('the spec test, with R2 masking', async () => {
    const m = await memoryManager();
    await m.createSecret('KEY', 'value', 'production');
    expect(await m.getSecret('KEY', 'admin')).toBe('value');
    expect(await m.getSecret('KEY', 'viewer')).toBe('***'); // R2: FR-7.2 wins over "va...ue"
    expect(await m.getSecret('KEY', 'agent')).toBe('value');
    await expect(m.updateSecret('KEY', 'new_value', { requester: 'viewer' })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
  });

  it('viewers get masked values from get and list, never full ones', async () => {
    expect(await manager.getSecret('OPENAI', 'viewer')).toBe(MASKED);
    const [listed] = await manager.listSecrets('viewer', 'production');
    expect(listed).toMatchObject({ valueMasked: MASKED });
    expect(listed!.value).toBeUndefined();
    await expect(manager.listSecrets('viewer', 'production', { reveal: true })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
    });
  });

  it('agents get full values from list; admins only when they ask to reveal', async () => {
    const [asAgent] = await manager.listSecrets('agent', 'production');
    expect(asAgent!.value).toBe(VALUE);
    const [asAdmin] = await manager.listSecrets('admin', 'production');
    expect(asAdmin!.value).toBeUndefined();
    const [revealed] = await manager.listSecrets('admin', 'production', { reveal: true });
    expect(revealed!.value).toBe(VALUE);
  });

  it('an omitted requester acts as admin (R7)', async () => {
    expect(await manager.getSecret('OPENAI')).toBe(VALUE);
    expect((await manager.auditLog()).at(-1)).toMatchObject({ requesterRole: 'admin', success: true });
  });

  it('R7: an agent scoped to secret patterns sees only those', async () => {
    await manager.createSecret('STRIPE_KEY', 'sk_live_value_1', 'production');
    const agent = { role: 'agent', agentId: 'lead-bot', secrets: ['OPENAI*'] } as const;
    expect((await manager.listSecrets(agent, 'production')).map((s) => s.name)).toEqual(['OPENAI']);
    await expect(manager.getSecret('STRIPE_KEY', agent)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
  });

  it('refuses malformed requesters rather than guessing', async () => {
    for (const requester of [
      'root',
      { role: 'superuser' },
      { role: 'agent', environments: ['prod'] },
      { role: 'agent', secrets: ['a b'] },
      { role: 'agent', agentId: '' },
      42,
    ]) {
      await expect(manager.getSecret('OPENAI', requester as never)).rejects.toMatchObject({
        code: 'INVALID_REQUESTER',
      });
    }
  });
});
