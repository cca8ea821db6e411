/**
 * A writer for the crash-consistency test: from operation `CRASH_FROM` to `CRASH_TO`, creates,
 * updates or deletes one of 20 secrets, printing `begin <i> <op> <name>` before and `ack <i>` after
 * each (synchronously, so a line printed is a line the parent has). The parent kills it with
 * SIGKILL at random points. Values are derived from the run id and the operation's index, so
 * that they never travel on this protocol.
 *
 * Environment: IRON_SECRETS_DB, IRON_CAGE_MASTER_KEY, CRASH_RUN, CRASH_FROM, CRASH_TO.
 */
import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { SecretsManager } from '@iron/secrets-core';
import { CRASH_NAMES, crashValue } from './crash-protocol.js';

const env = process.env;
const run = env.CRASH_RUN!;
const from = Number(env.CRASH_FROM);
const to = Number(env.CRASH_TO);
const requester = { role: 'admin', id: 'crash-writer' } as const;

const manager = await SecretsManager.open({ database: env.IRON_SECRETS_DB!, env });
const present = new Set(
  (await manager.listSecrets(requester, 'production', { masked: true })).map((secret) => secret.name),
);
writeSync(1, 'ready\n');
for (let i = from; i < to; i++) {
  // The choice depends on the index only (and on what exists), so a rerun makes the same one.
  const roll = createHash('sha256').update(`${run}:${i}`).digest();
  const name = CRASH_NAMES[roll[0]! % CRASH_NAMES.length]!;
  const op = !present.has(name) ? 'create' : roll[1]! % 4 === 0 ? 'delete' : 'update';
  writeSync(1, `begin ${i} ${op} ${name}\n`);
  if (op === 'create') await manager.createSecret(name, crashValue(run, i), 'production', { requester });
  else if (op === 'update')
    await manager.updateSecret(name, crashValue(run, i), { environment: 'production', requester });
  else await manager.deleteSecret(name, { environment: 'production', requester });
  if (op === 'delete') present.delete(name);
  else present.add(name);
  writeSync(1, `ack ${i}\n`);
}
writeSync(1, 'done\n');
await manager.close();
