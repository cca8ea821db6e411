/**
 * Issue 14, finding 5: `iron-secrets audit --follow --json`, the real binary, with entries written
 * by other processes: JSON lines as they commit, resuming with --after without a repeat, stopping
 * cleanly on SIGTERM, SIGINT and a reader that went away; on SQLite and PostgreSQL.
 */
import { freshDatabase, type TestDatabase } from '@iron/secrets-storage/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningCli, type Sandbox, sandbox, startCli } from './test-support.js';

const VALUE = 'sk-proj-follow-abc123def456';

const databases: TestDatabase[] = [];
const processes: RunningCli[] = [];
afterEach(async () => {
  for (const running of processes.splice(0)) running.child.kill('SIGKILL');
  for (const db of databases.splice(0)) await db.drop();
});

/** An initialised installation on `backend`, and a way to write to it from another process. */
async function installation(backend: 'sqlite' | 'postgres') {
  const box = sandbox();
  let env: Record<string, string> = {};
  if (backend === 'postgres') {
    const db = await freshDatabase('postgres');
    databases.push(db);
    env = { IRON_SECRETS_DB: db.location };
  }
  const init = await box.run(['init'], { env });
  expect(init.code).toBe(0);
  const set = async (name: string) => {
    const result = await box.run(['set', name, '--env', 'staging'], { env, input: VALUE });
    expect(result.code, result.stderr).toBe(0);
  };
  const follow = (...args: string[]) => {
    const running = startCli(['audit', '--follow', ...args], box.env(env));
    processes.push(running);
    return running;
  };
  return { box, env, set, follow };
}

/** The JSON objects printed so far, one a line. */
function jsonLines(running: RunningCli): Record<string, unknown>[] {
  return running
    .stdout()
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

async function auditJson(box: Sandbox, env: Record<string, string>): Promise<Record<string, unknown>[]> {
  const result = await box.run(['audit', '--json', '--limit', '10000'], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`iron-secrets audit --follow (${backend})`, { timeout: 120_000 }, () => {
    it("prints other processes' entries as JSON lines as they commit, the fields of audit --json; SIGTERM exits 0", async () => {
      const { box, env, set, follow } = await installation(backend);
      await set('A');
      await set('B');
      const running = follow('--json', '--limit', '1');
      // The newest --limit first, like tail -f.
      await running.waitFor(/"secret_name":"B"/);
      await set('C');
      await running.waitFor(/"secret_name":"C"/, 5_000);
      const printed = jsonLines(running);
      const all = await auditJson(box, env);
      expect(printed).toEqual(all.slice(-2));
      expect(printed.map((e) => e.secret_name)).toEqual(['B', 'C']);
      expect(running.stdout().toString()).not.toContain(VALUE);

      const stoppedAt = Date.now();
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(2_000);
      expect(running.lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    });

    it('--after resumes: every later entry, then live ones; a restart from the last line repeats none', async () => {
      const { box, env, set, follow } = await installation(backend);
      for (const name of ['A', 'B', 'C']) await set(name);
      const ids = (await auditJson(box, env)).map((e) => e.id as number);
      const first = follow('--json', '--after', String(ids.at(-3)));
      await first.waitFor(/"secret_name":"C"/);
      await set('D');
      await first.waitFor(/"secret_name":"D"/, 5_000);
      first.child.kill('SIGINT');
      expect(await first.exited).toBe(0);
      const shipped = jsonLines(first);
      expect(shipped.map((e) => e.secret_name)).toEqual(['B', 'C', 'D']);

      // Written while nobody followed: the next run picks it up from the last id shipped.
      await set('E');
      const second = follow('--json', '--after', String(shipped.at(-1)!.id));
      await second.waitFor(/"secret_name":"E"/);
      await set('F');
      await second.waitFor(/"secret_name":"F"/, 5_000);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      const all = [...shipped, ...jsonLines(second)];
      expect(all.map((e) => e.secret_name)).toEqual(['B', 'C', 'D', 'E', 'F']);
      const shippedIds = all.map((e) => e.id as number);
      expect(new Set(shippedIds).size).toBe(shippedIds.length);
      expect(shippedIds).toEqual([...shippedIds].sort((a, b) => a - b));
    });
  });
}

describe('iron-secrets audit --follow, its end and its options', { timeout: 120_000 }, () => {
  it('ends quietly with exit 0 when the reader goes away (| head -1)', async () => {
    const { set, follow } = await installation('sqlite');
    await set('A');
    const running = follow('--json', '--after', '0');
    await running.waitFor(/"secret_name":"A"/);
    running.child.stdout.destroy(); // head has read its line and exited
    // The next entry written finds the pipe closed (EPIPE).
    const exited = running.exited;
    let code: number | undefined;
    void exited.then((c) => {
      code = c;
    });
    for (let i = 0; i < 20 && code === undefined; i++) {
      await set(`B${i}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await exited).toBe(0);
    expect(running.lines.filter((line) => !line.startsWith('{'))).toEqual([]);
  });

  it('prints one plain line per entry without --json; --limit 0 prints only new entries', async () => {
    const { set, follow } = await installation('sqlite');
    await set('OLD');
    const running = follow('--limit', '0');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await set('NEW');
    const line = await running.waitFor(/NEW/, 5_000);
    expect(line).toMatch(/^\d+ {2}\d{4}-\d\d-\d\dT[\d:]+Z {2}CREATE {2}NEW {2}staging {2}admin:\S+ {2}ok$/);
    expect(running.lines.join('\n')).not.toContain('OLD');
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  it('refuses options that do not combine (exit 2), and pages with --after without --follow', async () => {
    const { box, set } = await installation('sqlite');
    for (const name of ['A', 'B', 'C']) await set(name);
    for (const args of [
      ['--follow', '--after', '1', '--limit', '5'],
      ['--follow', '--since', '1h'],
      ['--after', 'x'],
      ['--after', '-1'],
      ['--limit', '0'],
    ]) {
      const result = await box.run(['audit', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
    }
    const page = await box.run(['audit', '--json', '--after', '1', '--limit', '1']);
    expect(page.code).toBe(0);
    expect(JSON.parse(page.stdout).map((e: { id: number }) => e.id)).toEqual([2]);
  });
});
