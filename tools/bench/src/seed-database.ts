/**
 * @module seed-database
 * A database file for the benchmarks that run `iron-secrets`: a new master key and `count`
 * secrets of one environment, written in one import.
 */
import { randomBytes } from 'node:crypto';
import { SecretsManager } from '@iron/secrets-core';

/** Creates `database` with `count` secrets named `<prefix>_<i>` in `environment`; returns its master key. */
export async function seedDatabase(
  database: string,
  environment: 'development' | 'staging' | 'production',
  count: number,
  prefix = 'SECRET',
): Promise<string> {
  const masterKey = randomBytes(32).toString('base64');
  const manager = await SecretsManager.open({ database, masterKey });
  try {
    await manager.importSecrets(
      Array.from({ length: count }, (_, i) => ({
        name: `${prefix}_${i}`,
        value: `value-${i}-${'v'.repeat(32)}`,
      })),
      environment,
    );
  } finally {
    await manager.close();
  }
  return masterKey;
}
