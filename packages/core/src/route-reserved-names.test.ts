/** Names the HTTP API's routes use under /api/secrets/: refused wherever a secret is written. */
import { describe, expect, it } from 'vitest';
import { isRouteReservedName, ROUTE_RESERVED_NAMES } from './route-reserved-names.js';
import { fileManager, insertUncheckedSecret, memoryManager } from './test-support.js';

describe('route-reserved names', () => {
  it.each(['audit', 'events'])(
    'createSecret, setSecret, updateSecret and importSecrets refuse %s, changing nothing',
    async (name) => {
      const { manager } = await fileManager();
      const refused = {
        code: 'RESERVED_SECRET_NAME',
        message: expect.stringContaining(`${name} is a reserved name: the HTTP API`),
      };
      await expect(manager.createSecret(name, 'value-1234', 'staging')).rejects.toMatchObject(refused);
      await expect(manager.setSecret(name, 'value-1234', 'staging')).rejects.toMatchObject(refused);
      await expect(
        manager.updateSecret(name, 'value-1234', { environment: 'staging' }),
      ).rejects.toMatchObject(refused);
      await expect(
        manager.importSecrets(
          [
            { name: 'FINE_KEY', value: 'fine-value-1' },
            { name, value: 'value-1234' },
          ],
          'staging',
        ),
      ).rejects.toMatchObject({ code: 'RESERVED_SECRET_NAME', message: expect.stringMatching(/^entry 2: /) });
      expect(await manager.listSecrets('admin', 'staging')).toEqual([]);
    },
  );

  it('is case-sensitive, as names and routes are: AUDIT and Events are ordinary names', async () => {
    const manager = await memoryManager();
    for (const name of ['AUDIT', 'Events', 'audit_log', 'EVENTS_URL']) {
      await manager.createSecret(name, 'ordinary-value', 'staging');
    }
    expect((await manager.listSecrets('admin', 'staging')).length).toBe(4);
    expect(isRouteReservedName('AUDIT')).toBe(false);
  });

  it('is frozen and holds names the name pattern accepts', () => {
    expect(Object.isFrozen(ROUTE_RESERVED_NAMES)).toBe(true);
    for (const name of ROUTE_RESERVED_NAMES) expect(name).toMatch(/^[a-z]+$/);
  });

  it('a row stored under such a name before the rule is still read, listed and deleted', async () => {
    const { manager, database, masterKey } = await fileManager();
    await insertUncheckedSecret(database, masterKey, 'staging', 'audit', 'old-value-123');
    expect(await manager.getSecret('audit', 'admin', { environment: 'staging' })).toBe('old-value-123');
    expect((await manager.listSecrets('admin', 'staging')).map((s) => s.name)).toEqual(['audit']);
    await manager.deleteSecret('audit', { environment: 'staging' });
    expect(await manager.listSecrets('admin', 'staging')).toEqual([]);
  });
});
