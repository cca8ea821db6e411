/**
 * @module cli-bench
 * The `iron-secrets` binary as operators run it: whole-process wall time, next to a bare
 * `node -e ""` started in the same run (Node's own start-up, which this machine inflates with
 * NODE_EXTRA_CA_CERTS). And a master-key rotation of 1,000 secrets next to the 2,000 Argon2id
 * derivations it cannot avoid, run in-process in the same run.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretsManager } from '@iron/secrets-core';
import { deriveKey, randomSalt, wipe } from '@iron/secrets-crypto';
import { type Measurement, measure } from './measure.js';
import { seedDatabase } from './seed-database.js';

const BIN = fileURLToPath(new URL('../../../apps/cli/bin/iron-secrets.js', import.meta.url));

/** Secrets re-encrypted by the rotation row (the "master-key rotation of 1,000 secrets"). */
export const ROTATION_SECRETS = 1000;
/** Secrets listed by the list row. */
export const LISTED_SECRETS = 100;

export interface CliResults {
  readonly nodeStart: Measurement;
  readonly version: Measurement;
  readonly get: Measurement;
  readonly list: Measurement;
  /** Wall time of one `master-key rotate` of {@link ROTATION_SECRETS} secrets, in ms. */
  readonly rotateMs: number;
  /** Wall time of 2 × {@link ROTATION_SECRETS} concurrent `deriveKey` calls in-process, in ms. */
  readonly derivationsMs: number;
}

export async function cliBenchmarks(scale: number): Promise<CliResults> {
  const directory = mkdtempSync(join(tmpdir(), 'iron-bench-cli-'));
  try {
    const database = join(directory, 'secrets.db');
    const masterKey = await seedDatabase(database, 'staging', LISTED_SECRETS, 'LISTED');
    const env = { ...process.env, IRON_CAGE_MASTER_KEY: masterKey, IRON_SECRETS_DB: database };
    const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const result = spawnSync(process.execPath, args, { env: { ...env, ...extra }, stdio: 'pipe' });
      if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr.toString()}`);
    };
    const manager = await SecretsManager.open({ database, masterKey });
    await manager.setSecret('KEY', `sk-proj-${'c'.repeat(40)}`, 'production');
    await manager.close();

    const iterations = Math.max(3, Math.round(20 / scale));
    const options = { iterations, warmupIterations: 2 };
    const nodeStart = await measure('node -e "" (baseline: Node start-up)', () => run(['-e', '']), options);
    const version = await measure('iron-secrets --version', () => run([BIN, '--version']), options);
    const get = await measure(
      'iron-secrets get KEY (1 derivation)',
      () => run([BIN, 'get', 'KEY', '--env', 'production']),
      options,
    );
    const list = await measure(
      `iron-secrets list, ${LISTED_SECRETS} secrets (${LISTED_SECRETS} derivations)`,
      () => run([BIN, 'list', '--env', 'staging']),
      { iterations: Math.max(2, Math.round(5 / scale)), warmupIterations: 1 },
    );

    const rotated = await rotation(directory, Math.max(10, Math.round(ROTATION_SECRETS / scale)));
    return { nodeStart, version, get, list, ...rotated };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function rotation(
  directory: string,
  count: number,
): Promise<{ rotateMs: number; derivationsMs: number }> {
  const database = join(directory, 'rotation.db');
  const masterKey = await seedDatabase(database, 'production', count);

  const newKey = randomBytes(32).toString('base64');
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, 'master-key', 'rotate'], {
    env: {
      ...process.env,
      IRON_CAGE_MASTER_KEY: masterKey,
      IRON_SECRETS_DB: database,
      IRON_CAGE_NEW_MASTER_KEY: newKey,
    },
    stdio: 'pipe',
  });
  const rotateMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`master-key rotate failed: ${result.stderr.toString()}`);

  // The floor: one derivation under the old key and one under the new, per secret, concurrently.
  const key = randomBytes(32);
  const begun = performance.now();
  const keys = await Promise.all(Array.from({ length: 2 * count }, () => deriveKey(key, randomSalt())));
  const derivationsMs = performance.now() - begun;
  for (const derived of keys) wipe(derived);
  wipe(key);
  return { rotateMs, derivationsMs };
}
