/**
 * Production mode end to end, against the real PostgreSQL (a fresh schema per test, dropped
 * afterwards): explicit migrations, moving an embedded installation over, two `serve` instances on
 * one database with change events crossing between them, concurrent writers across instances, and
 * an instance killed mid-write.
 */
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshDatabase, type TestDatabase } from '@iron/secrets-storage/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningCli, type Sandbox, sandbox, startCli } from './test-support.js';

const PY_AGENT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'agent.py');
const fingerprint = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 12);

const databases: TestDatabase[] = [];
const processes: RunningCli[] = [];
afterEach(async () => {
  for (const running of processes.splice(0)) running.child.kill('SIGKILL');
  for (const db of databases.splice(0)) await db.drop();
});

/** A fresh PostgreSQL schema, its URL carrying a password that must never be printed. */
async function postgres(): Promise<{ db: TestDatabase; url: string }> {
  const db = await freshDatabase('postgres');
  databases.push(db);
  const url = new URL(db.location);
  url.password = 'hunter2-never-printed'; // trust authentication ignores it
  return { db, url: url.href };
}

/** A sandbox whose IRON_SECRETS_DB is `url`, migrated and bound to its master key. */
async function productionBox(
  url: string,
): Promise<Sandbox & { pg: (extra?: Record<string, string>) => NodeJS.ProcessEnv }> {
  const box = sandbox();
  const pg = (extra: Record<string, string> = {}) => box.env({ IRON_SECRETS_DB: url, ...extra });
  const init = await box.run(['init'], { env: { IRON_SECRETS_DB: url } });
  expect(init.stderr).toBe('');
  return Object.assign(box, { pg });
}

async function serve(env: NodeJS.ProcessEnv): Promise<{ url: string; running: RunningCli }> {
  const running = startCli(['serve', '--port', '0'], env);
  processes.push(running);
  const line = await running.waitFor(/^Serving /, 15_000);
  return { url: /on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)![1]!, running };
}

async function api(base: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => null)) as Record<string, unknown>,
  };
}

describe('iron-secrets migrate', () => {
  it('is the explicit step: serve refuses a schema that is behind or ahead, and says why', async () => {
    const { db, url } = await postgres();
    const box = sandbox();
    const env = box.env({ IRON_SECRETS_DB: url });
    const refused = await box.run(['serve', '--port', '0'], { env: { IRON_SECRETS_DB: url } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /needs schema migrations 001_meta, 002_secrets, 003_access_tokens, 004_token_mac, 005_audit_digest, 006_audit_disclosure/,
    );
    expect(refused.stderr).toMatch(/iron-secrets migrate/);

    const first = await box.run(['migrate'], { env: { IRON_SECRETS_DB: url } });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /applied 001_meta\napplied 002_secrets\napplied 003_access_tokens\napplied 004_token_mac\napplied 005_audit_digest\napplied 006_audit_disclosure\n/,
    );
    const again = await box.run(['migrate', '--json'], { env: { IRON_SECRETS_DB: url } });
    expect(JSON.parse(again.stdout)).toMatchObject({ applied: [], version: 6 });
    for (const output of [refused, first, again]) {
      expect(output.stdout + output.stderr).not.toContain('hunter2');
    }

    await db.raw("INSERT INTO schema_migrations VALUES (99, '099_future', 'x', 0)");
    const newer = startCli(['serve', '--port', '0'], env);
    processes.push(newer);
    expect(await newer.exited).toBe(1);
    expect(newer.lines.join('\n')).toMatch(/written by a newer version/);
  });
});

describe('iron-secrets copy', () => {
  it('moves an embedded installation to PostgreSQL with its audit chain intact', async () => {
    const { url } = await postgres();
    const box = sandbox();
    await box.run(['set', 'OPENAI_KEY', '--env', 'production'], { input: 'sk-proj-copied-value-1' });
    await box.run(['set', 'DB_PASSWORD', '--env', 'staging'], { input: 'copied-password-2' });
    await box.run(['get', 'OPENAI_KEY', '--env', 'production']);
    await box.run(['token', 'create', '--role', 'viewer']);
    const before = JSON.parse((await box.run(['audit', '--json'])).stdout) as unknown[];

    const copied = await box.run(['copy', '--from', box.db, '--to', url, '--json']);
    expect(copied.stderr).toBe('');
    expect(JSON.parse(copied.stdout)).toMatchObject({
      copied: { secrets: 2, tokens: 1, auditEntries: before.length },
      auditChain: { ok: true, entries: before.length },
    });
    expect(copied.stdout).not.toContain('hunter2');

    const onPostgres = { env: { IRON_SECRETS_DB: url } };
    expect((await box.run(['get', 'OPENAI_KEY', '--env', 'production'], onPostgres)).stdout).toBe(
      'sk-proj-copied-value-1',
    );
    const trail = JSON.parse((await box.run(['audit', '--json'], onPostgres)).stdout) as unknown[];
    expect(trail.slice(0, before.length)).toEqual(before);
    expect(JSON.parse((await box.run(['audit', 'verify', '--json'], onPostgres)).stdout)).toMatchObject({
      ok: true,
    });

    const twice = await box.run(['copy', '--from', box.db, '--to', url]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/must be empty, and it holds 2 secrets, 1 token/);
    const missing = await box.run(['copy', '--from', join(box.dir, 'nope.db'), '--to', url]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no database at/);
  });
});

describe('two serve instances on one PostgreSQL database', () => {
  it('a change through A reaches an SSE client of B within a second, and a run --server B rotates live', async () => {
    const { url } = await postgres();
    const box = await productionBox(url);
    await box.run(['set', 'APP_KEY', '--env', 'production'], {
      input: 'sk-proj-two-first-1',
      env: { IRON_SECRETS_DB: url },
    });
    const admin = (
      await box.run(['token', 'create', '--role', 'admin'], { env: { IRON_SECRETS_DB: url } })
    ).stdout.trim();
    const agentToken = (
      await box.run(['token', 'create', '--role', 'agent', '--env', 'production', '--agent-id', 'b-bot'], {
        env: { IRON_SECRETS_DB: url },
      })
    ).stdout.trim();
    const a = await serve(box.pg());
    const b = await serve(box.pg());

    // An SSE client of B.
    const controller = new AbortController();
    const events = await fetch(`${b.url}/api/secrets/events?environment=production`, {
      headers: { authorization: `Bearer ${admin}` },
      signal: controller.signal,
    });
    const reader = events.body!.getReader();
    const received: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        received.push(decoder.decode(value));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const changedAt = Date.now();
    expect(
      (
        await api(a.url, admin, 'PUT', '/api/secrets/APP_KEY', {
          value: 'sk-proj-two-second-2',
          environment: 'production',
        })
      ).status,
    ).toBe(200);
    await expect
      .poll(() => received.join(''), { timeout: 1_000, interval: 10 })
      .toMatch(/event: secret.updated/);
    const latencyMs = Date.now() - changedAt;
    expect(latencyMs).toBeLessThan(1_000);
    expect(received.join('')).not.toContain('sk-proj-two');
    controller.abort();
    await reading;

    // An agent's runtime on B; the rotation goes through A.
    const agent = startCli(
      ['run', '--server', b.url, '--env', 'production', '--', 'python3', PY_AGENT, 'rotate', '4'],
      box.env({
        IRON_CAGE_MASTER_KEY: undefined,
        IRON_SECRETS_DB: undefined,
        IRON_SECRETS_TOKEN: agentToken,
      }),
    );
    processes.push(agent);
    await agent.waitFor(/^ready pid/, 15_000);
    expect(
      (
        await api(a.url, admin, 'PUT', '/api/secrets/APP_KEY', {
          value: 'sk-proj-two-third-3',
          environment: 'production',
        })
      ).status,
    ).toBe(200);
    expect(await agent.waitFor(/^callback 1 /, 3_000)).toContain(fingerprint('sk-proj-two-third-3'));
    expect(await agent.exited).toBe(0);
  });

  it('8 writers x 500 operations across both: no lost update, no duplicate, one audit entry each, one chain', async () => {
    const { db, url } = await postgres();
    const box = await productionBox(url);
    const admin = (
      await box.run(['token', 'create', '--role', 'admin'], { env: { IRON_SECRETS_DB: url } })
    ).stdout.trim();
    const instances = [await serve(box.pg()), await serve(box.pg())];
    const auditCount = async () => Number((await db.raw('SELECT count(*) AS n FROM secret_audit_log'))[0]!.n);
    const before = await auditCount();

    const WRITERS = 8;
    const OPERATIONS = 500;
    const KEYS = 5;
    const lastWritten = new Map<string, string>();
    const createdShared: string[] = [];
    const writer = async (w: number) => {
      const base = instances[w % 2]!.url;
      for (let i = 0; i < OPERATIONS; i++) {
        if (i < KEYS) {
          // Every writer races every other for the same shared names: exactly one may win each.
          const name = `SHARED_${i}`;
          const created = await api(base, admin, 'POST', '/api/secrets', {
            name,
            value: `w${w}`,
            environment: 'production',
          });
          expect([201, 409]).toContain(created.status);
          if (created.status === 201) createdShared.push(name);
        } else if (i < 2 * KEYS) {
          const name = `W${w}_K${i - KEYS}`;
          const created = await api(base, admin, 'POST', '/api/secrets', {
            name,
            value: `w${w}-${i}`,
            environment: 'production',
          });
          expect(created.status).toBe(201);
          lastWritten.set(name, `w${w}-${i}`);
        } else if (i % 4 === 0) {
          const name = `W${w}_K${i % KEYS}`;
          const read = await api(base, admin, 'GET', `/api/secrets/${name}?environment=production`);
          expect(read.body.value).toBe(lastWritten.get(name));
        } else {
          const name = `W${w}_K${i % KEYS}`;
          const updated = await api(base, admin, 'PUT', `/api/secrets/${name}`, {
            value: `w${w}-${i}`,
            environment: 'production',
          });
          expect(updated.status).toBe(200);
          lastWritten.set(name, `w${w}-${i}`);
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));

    expect(createdShared.sort()).toEqual(Array.from({ length: KEYS }, (_, i) => `SHARED_${i}`));
    for (const [name, value] of lastWritten) {
      const read = await api(instances[0]!.url, admin, 'GET', `/api/secrets/${name}?environment=production`);
      expect(read.body.value, name).toBe(value);
    }
    // One entry per operation, plus one per final read just above.
    expect((await auditCount()) - before).toBe(WRITERS * OPERATIONS + lastWritten.size);
    const verified = await box.run(['audit', 'verify', '--json'], { env: { IRON_SECRETS_DB: url } });
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
    const names = await db.raw('SELECT name, count(*) AS n FROM secrets GROUP BY name HAVING count(*) > 1');
    expect(names).toEqual([]);
  }, 240_000);

  it('killing an instance mid-write loses no acknowledged write', async () => {
    const { url } = await postgres();
    const box = await productionBox(url);
    const admin = (
      await box.run(['token', 'create', '--role', 'admin'], { env: { IRON_SECRETS_DB: url } })
    ).stdout.trim();
    const a = await serve(box.pg());
    const b = await serve(box.pg());
    const acknowledged: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const name = `KILL_W${w}_${i}`;
        const created = await api(a.url, admin, 'POST', '/api/secrets', {
          name,
          value: `v-${w}-${i}`,
          environment: 'production',
        }).catch(() => undefined);
        if (created === undefined) return; // the connection died with the instance
        if (created.status === 201) acknowledged.push(name);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    a.running.child.kill('SIGKILL');
    await a.running.exited;
    stop = true;
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(10);
    for (const name of acknowledged) {
      const read = await api(b.url, admin, 'GET', `/api/secrets/${name}?environment=production`);
      expect(read.status, name).toBe(200);
    }
    const verified = await box.run(['audit', 'verify', '--json'], { env: { IRON_SECRETS_DB: url } });
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
  }, 60_000);
});
