/**
 * Crash consistency: a writer process killed with SIGKILL at random points during create, update
 * and delete operations. After each kill, every acknowledged write is there, the one in flight is
 * either wholly there or wholly absent (with its audit entry or without it), every secret
 * decrypts, and the audit chain verifies. On SQLite and on PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { SecretsManager } from '@iron/secrets-core';
import type { TestBackend } from '@iron/secrets-storage/testing';
import { describe, expect, it } from 'vitest';
import { keepDatabase, needle, scaled } from './evidence.js';
import { between, database, masterKey, startNode, worker } from './support.js';
import { CRASH_NAMES, crashValue } from './workers/crash-protocol.js';

const OPERATIONS = scaled(1_000, 5_000);
const KILLS = scaled(20, 100);

describe.each(['sqlite', 'postgres'] as const)('crash consistency on %s', (backend: TestBackend) => {
  it(`${OPERATIONS} operations, SIGKILL ${KILLS} times at random points: nothing acknowledged lost, nothing half-written`, async () => {
    const db = await database(backend);
    const key = masterKey();
    const run = randomBytes(4).toString('hex');
    const checker = { role: 'agent', agentId: 'crash-checker', environments: ['production'] } as const;
    const open = () => SecretsManager.open({ database: db.location, masterKey: key, migrate: true });
    await (await open()).close(); // created and migrated before the writer's first start

    /** What must be there: the value of each secret's last acknowledged write, or absent. */
    const expected = new Map<string, string | undefined>();
    let next = 0;
    let kills = 0;
    let acknowledged = 0;
    let inFlightApplied = 0;
    while (next < OPERATIONS) {
      const last = kills < KILLS;
      const budget = last ? Math.ceil((OPERATIONS - next) / (KILLS - kills)) : OPERATIONS - next;
      const killAt = last ? between(1, budget) : Number.POSITIVE_INFINITY;
      let begun: { i: number; op: string; name: string } | undefined;
      let acked = -1;
      let begins = 0;
      const child = startNode(
        [worker('crash-writer')],
        {
          IRON_SECRETS_DB: db.location,
          IRON_CAGE_MASTER_KEY: key,
          CRASH_RUN: run,
          CRASH_FROM: String(next),
          CRASH_TO: String(OPERATIONS),
        },
        (line) => {
          const [word, index, op, name] = line.split(' ');
          if (word === 'begin') {
            begun = { i: Number(index), op: op!, name: name! };
            needle(crashValue(run, Number(index)));
            begins += 1;
            // A random point: right at the start of the operation, or a little into it.
            if (begins === killAt) setTimeout(() => child.process.kill('SIGKILL'), between(0, 3));
          } else if (word === 'ack') {
            acked = Number(index);
            acknowledged += 1;
            const done = begun!;
            expected.set(done.name, done.op === 'delete' ? undefined : crashValue(run, done.i));
          }
        },
      );
      const { code, signal } = await child.ended;
      if (signal === 'SIGKILL') kills += 1;
      else expect({ code, stderr: child.stderr() }).toEqual({ code: 0, stderr: '' });
      if (begun === undefined) continue; // killed before its first operation
      next = begun.i + 1;

      const manager = await open();
      try {
        const listed = await manager.listSecrets(checker, 'production'); // every one decrypts
        const actual = new Map(listed.map((secret) => [secret.name, secret.value]));
        if (begun.i !== acked) {
          // In flight when killed: wholly applied or wholly not.
          const before = expected.get(begun.name);
          const after = begun.op === 'delete' ? undefined : crashValue(run, begun.i);
          const now = actual.get(begun.name);
          expect([before, after]).toContain(now);
          if (now !== before) inFlightApplied += 1;
          expected.set(begun.name, now);
        }
        for (const name of CRASH_NAMES) expect(actual.get(name), name).toBe(expected.get(name));
        expect(await manager.verifyAuditLog()).toMatchObject({ ok: true });
        // One entry per applied operation: the acknowledged ones and any in-flight one that landed.
        // (The writer's start-up listing adds READ entries of its own.)
        const written = (await manager.auditLog({ limit: 10_000 })).filter(
          (entry) => entry.requesterId === 'crash-writer' && entry.operation !== 'READ',
        ).length;
        expect(written).toBe(acknowledged + inFlightApplied);
      } finally {
        await manager.close();
      }
    }
    expect(kills).toBe(KILLS);
    if (backend === 'sqlite') keepDatabase(`crash-${backend}`, db.location);
    process.stderr.write(
      `crash ${backend}: ${OPERATIONS} operations, ${kills} kills, ${acknowledged} acknowledged, ${inFlightApplied} in flight and applied\n`,
    );
  }, 600_000);
});
