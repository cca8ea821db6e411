import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManager } from '@iron/secrets-core';
import { afterEach, describe, expect, it } from 'vitest';
import { openEmbeddedSource } from './embedded-source.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function database(): Promise<{ path: string; env: NodeJS.ProcessEnv; admin: SecretsManager }> {
  const directory = mkdtempSync(join(tmpdir(), 'iron-embedded-'));
  directories.push(directory);
  const path = join(directory, 'secrets.db');
  const env = { IRON_CAGE_MASTER_KEY: randomBytes(32).toString('base64') };
  const admin = await SecretsManager.open({ database: path, env });
  await admin.createSecret('APP_KEY', 'sk-first-value-1', 'production');
  return { path, env, admin };
}

describe('openEmbeddedSource', () => {
  it('reports a change committed between the first fetch and the first poll (the baseline race)', async () => {
    const { path, env, admin } = await database();
    const source = await openEmbeddedSource({
      database: path,
      environment: 'production',
      agentId: 'test-agent',
      env,
      pollMs: 50,
    });
    try {
      expect((await source.fetch()).get('APP_KEY')).toBe('sk-first-value-1');
      // The rotation lands after the agent's values were read, before anyone watches.
      await admin.updateSecret('APP_KEY', 'sk-second-value-2', { environment: 'production' });
      let changes = 0;
      const stop = source.watch(
        () => {
          changes += 1;
        },
        (error) => {
          throw error;
        },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop();
      expect(changes).toBe(1);
    } finally {
      await source.close();
      await admin.close();
    }
  });

  it('holds the master key among its credentials, for the redactor', async () => {
    const { path, env, admin } = await database();
    const source = await openEmbeddedSource({ database: path, environment: 'production', agentId: 'a', env });
    try {
      expect(source.credentials).toContain(env.IRON_CAGE_MASTER_KEY);
      expect(source.credentials).toContain(Buffer.from(env.IRON_CAGE_MASTER_KEY!, 'base64').toString('hex'));
    } finally {
      await source.close();
      await admin.close();
    }
  });
});
