/**
 * The master key: missing, malformed and wrong keys are refused before anything is read or
 * written; a rotation killed with SIGKILL at a random point leaves either the old key working
 * and every secret under it, or the new one; never a mix, never neither.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { SecretsManager } from '@iron/secrets-core';
import type { TestBackend } from '@iron/secrets-storage/testing';
import { describe, expect, it } from 'vitest';
import { keepDatabase, scaled, secretValue } from './evidence.js';
import { between, database, masterKey, startNode, worker } from './support.js';

const SECRETS = 60;
const checker = { role: 'agent', agentId: 'rotation-checker', environments: ['production'] } as const;
const KILLS = scaled(5, 20);

describe('a master key that is missing, malformed or wrong', () => {
  it.each([
    ['missing', {}, 'MASTER_KEY_NOT_FOUND'],
    ['empty', { IRON_CAGE_MASTER_KEY: '' }, 'MASTER_KEY_NOT_FOUND'],
    ['too short', { IRON_CAGE_MASTER_KEY: randomBytes(16).toString('base64') }, 'INVALID_MASTER_KEY'],
    ['too long', { IRON_CAGE_MASTER_KEY: randomBytes(48).toString('base64') }, 'INVALID_MASTER_KEY'],
    ['not base64', { IRON_CAGE_MASTER_KEY: '!'.repeat(44) }, 'INVALID_MASTER_KEY'],
    ['hex, not base64', { IRON_CAGE_MASTER_KEY: randomBytes(32).toString('hex') }, 'INVALID_MASTER_KEY'],
    [
      'a file that does not exist',
      { IRON_CAGE_MASTER_KEY_FILE: '/nonexistent/master.key' },
      'INVALID_MASTER_KEY',
    ],
  ])('%s: refused, and no database is created', async (_what, env, code) => {
    const db = await database('sqlite');
    const error = await SecretsManager.open({ database: db.location, env }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code });
    expect(existsSync(db.location)).toBe(false);
  });

  it.each(['sqlite', 'postgres'] as const)(
    'wrong on %s: MASTER_KEY_MISMATCH, nothing read or written',
    async (backend) => {
      const db = await database(backend);
      const key = masterKey();
      const manager = await SecretsManager.open({ database: db.location, masterKey: key, migrate: true });
      await manager.createSecret('KEY', secretValue('master-key'), 'production');
      await manager.close();
      const before = await db.raw('SELECT count(*) AS n FROM secret_audit_log');
      await expect(
        SecretsManager.open({ database: db.location, masterKey: masterKey() }),
      ).rejects.toMatchObject({
        code: 'MASTER_KEY_MISMATCH',
      });
      expect(await db.raw('SELECT count(*) AS n FROM secret_audit_log')).toEqual(before);
    },
  );
});

describe.each(['sqlite', 'postgres'] as const)(
  'a master-key rotation killed mid-flight on %s',
  (backend: TestBackend) => {
    it(`${KILLS} rotations of ${SECRETS} secrets, SIGKILL at random points: one key works, for every secret`, async () => {
      const db = await database(backend);
      let current = masterKey();
      const values = new Map<string, string>();
      for (let i = 0; i < SECRETS; i++) values.set(`KEY_${i}`, secretValue('rotation'));
      const seed = await SecretsManager.open({ database: db.location, masterKey: current, migrate: true });
      await seed.importSecrets(
        [...values].map(([name, value]) => ({ name, value })),
        'production',
      );
      await seed.close();

      const outcomes = { committed: 0, rolledBack: 0 };
      for (let round = 0; round < KILLS; round++) {
        const next = masterKey();
        let started = false;
        const child = startNode(
          [worker('rotate-master-key')],
          { IRON_SECRETS_DB: db.location, IRON_CAGE_MASTER_KEY: current, IRON_CAGE_NEW_MASTER_KEY: next },
          (line) => {
            if (line === 'rotating' && !started) {
              started = true;
              // Somewhere in the re-encryption (a second or two), or just after it.
              setTimeout(() => child.process.kill('SIGKILL'), between(0, 2_500));
            }
          },
        );
        await child.ended;

        const withOld = await SecretsManager.open({ database: db.location, masterKey: current }).catch(
          (e: unknown) => e,
        );
        const withNew = await SecretsManager.open({ database: db.location, masterKey: next }).catch(
          (e: unknown) => e,
        );
        const opened = [withOld, withNew].filter((m): m is SecretsManager => m instanceof SecretsManager);
        expect(opened).toHaveLength(1); // exactly one key works
        const manager = opened[0]!;
        const refused = withOld instanceof SecretsManager ? withNew : withOld;
        expect(refused).toMatchObject({ code: 'MASTER_KEY_MISMATCH' });
        try {
          const listed = await manager.listSecrets(checker, 'production'); // every one decrypts
          expect(new Map(listed.map((s) => [s.name, s.value]))).toEqual(values);
          expect(await manager.verifyAuditLog()).toMatchObject({ ok: true });
        } finally {
          await manager.close();
        }
        if (manager === withNew) {
          current = next;
          outcomes.committed += 1;
        } else outcomes.rolledBack += 1;
      }
      if (backend === 'sqlite') keepDatabase('master-key', db.location);
      process.stderr.write(
        `master-key rotation on ${backend}: ${KILLS} kills, ${JSON.stringify(outcomes)}\n`,
      );
    });
  },
);
