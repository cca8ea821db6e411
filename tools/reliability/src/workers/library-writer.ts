/**
 * The library's share of the concurrency test: for CONCURRENCY_MS, updates and reads its own
 * secrets through @iron/secrets-core on the shared SQLite file. Prints `done <operations> <last>`,
 * where `last` is the index of the last acknowledged write of each secret, as JSON.
 * Environment: IRON_SECRETS_DB, IRON_CAGE_MASTER_KEY, CONCURRENCY_RUN, CONCURRENCY_MS.
 */
import { writeSync } from 'node:fs';
import { SecretsManager } from '@iron/secrets-core';
import { concurrencyValue, LIBRARY_NAMES } from './concurrency-protocol.js';

const env = process.env;
const run = env.CONCURRENCY_RUN!;
const until = Date.now() + Number(env.CONCURRENCY_MS);
const requester = { role: 'admin', id: 'library-writer' } as const;
const manager = await SecretsManager.open({ database: env.IRON_SECRETS_DB!, env });
const last: Record<string, number> = {};
let operations = 0;
for (let i = 0; Date.now() < until; i++) {
  const name = LIBRARY_NAMES[i % LIBRARY_NAMES.length]!;
  if (i % 2 === 0) {
    await manager.updateSecret(name, concurrencyValue(run, 'library', i), {
      environment: 'production',
      requester,
    });
    last[name] = i;
  } else {
    const value = await manager.getSecret(name, requester, { environment: 'production' });
    const expected = last[name] === undefined ? undefined : concurrencyValue(run, 'library', last[name]!);
    if (expected !== undefined && value !== expected) throw new Error(`lost update of ${name}`);
  }
  operations += 1;
}
await manager.close();
writeSync(1, `done ${operations} ${JSON.stringify(last)}\n`);
