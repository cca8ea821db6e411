/**
 * Expiry and rotation settings work everywhere (issue 15): an expired secret is still served by
 * `get`, `run` (embedded and `--server`) and `export`, but never silently: a WARN line on stderr
 * naming the secret and when it expired (never the value), before the agent starts; a secret
 * whose rotation is due gets a quieter INFO line from `run`, a note from `get` on a terminal only;
 * `rotation_status` is in every JSON form that describes a secret.
 */
import { SecretsManager } from '@iron/secrets-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, sandbox, startCli } from './test-support.js';

const EXPIRED_VALUE = 'sk-proj-expired-0123456789';
const DUE_VALUE = 'sk-proj-due-rotation-0123456789';
const FRESH_VALUE = 'sk-proj-fresh-0123456789';
/** Two days ago, when the expired secret was stored with a one-day expiry. */
const STORED_AT = new Date(Date.now() - 2 * 86_400_000);
const EXPIRED_AT = new Date(Math.floor(STORED_AT.getTime() / 1000) * 1000 + 86_400_000)
  .toISOString()
  .replace(/\.\d{3}Z$/, 'Z');

/** Secrets written as if two days ago: one expired since yesterday, one due for rotation. */
async function seed(box: Sandbox): Promise<void> {
  const manager = await SecretsManager.open({
    database: box.db,
    masterKey: box.masterKey,
    clock: () => STORED_AT,
  });
  try {
    await manager.createSecret('OLD_KEY', EXPIRED_VALUE, 'production', {
      expiresAt: new Date(STORED_AT.getTime() + 86_400_000),
    });
    await manager.createSecret('DUE_KEY', DUE_VALUE, 'production', { rotateEverySeconds: 3600 });
    await manager.createSecret('FRESH_KEY', FRESH_VALUE, 'production');
  } finally {
    await manager.close();
  }
}

/** An agent that prints what it got, and says when it started (on its stderr). */
const AGENT = [
  '--',
  process.execPath,
  '-e',
  'console.error("AGENT STARTED"); console.log(JSON.stringify({ old: process.env.OLD_KEY === process.argv[1], fresh: process.env.FRESH_KEY === process.argv[2] }))',
  EXPIRED_VALUE,
  FRESH_VALUE,
];

describe('expired and due secrets', () => {
  // A sandbox is removed after each test: each test seeds its own.
  let box: Sandbox;
  beforeEach(async () => {
    box = sandbox();
    expect((await box.run(['init'])).code).toBe(0);
    await seed(box);
  }, 60_000);

  it('get serves an expired value, with a WARN line on stderr naming it and when it expired', async () => {
    const result = await box.run(['get', 'OLD_KEY', '--env', 'production']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(EXPIRED_VALUE);
    expect(result.stderr).toBe(
      `WARN OLD_KEY (production) expired at ${EXPIRED_AT}; served anyway: rotate it and set a new expiry\n`,
    );
    // A fresh secret, and a due one read by a script (no terminal), print nothing on stderr.
    expect((await box.run(['get', 'FRESH_KEY', '--env', 'production'])).stderr).toBe('');
    expect((await box.run(['get', 'DUE_KEY', '--env', 'production'])).stderr).toBe('');
  });

  it('get --json carries rotation_status, expires_at and the rotation fields', async () => {
    const expired = await box.run(['get', 'OLD_KEY', '--env', 'production', '--json']);
    expect(expired.code).toBe(0);
    expect(JSON.parse(expired.stdout)).toEqual({
      name: 'OLD_KEY',
      environment: 'production',
      value: EXPIRED_VALUE,
      value_masked: expect.any(String),
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
      expires_at: EXPIRED_AT,
      rotate_every_seconds: null,
      rotation_due_at: null,
      rotation_status: 'expired',
      etag: expect.stringMatching(/^"[\w-]+"$/),
    });
    expect(expired.stderr).toContain('WARN OLD_KEY (production) expired at');
    const due = JSON.parse((await box.run(['get', 'DUE_KEY', '--env', 'production', '--json'])).stdout);
    expect(due).toMatchObject({ rotation_status: 'due', rotate_every_seconds: 3600 });
    const masked = JSON.parse(
      (await box.run(['get', 'DUE_KEY', '--env', 'production', '--json', '--masked'])).stdout,
    );
    expect(masked).toMatchObject({ rotation_status: 'due', value_masked: expect.any(String) });
    expect(masked.value).toBeUndefined();
    expect(JSON.stringify(masked)).not.toContain(DUE_VALUE);
  });

  it('list --json says which secret is expired and which is due', async () => {
    const list = JSON.parse((await box.run(['list', '--env', 'production', '--json'])).stdout) as {
      name: string;
      rotation_status: string;
    }[];
    expect(Object.fromEntries(list.map((s) => [s.name, s.rotation_status]))).toEqual({
      DUE_KEY: 'due',
      FRESH_KEY: 'ok',
      OLD_KEY: 'expired',
    });
  });

  it('export warns about an expired value it prints, never printing the warning into the file', async () => {
    const exported = await box.run(['export', '--env', 'production', '--json']);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toEqual({
      DUE_KEY: DUE_VALUE,
      FRESH_KEY: FRESH_VALUE,
      OLD_KEY: EXPIRED_VALUE,
    });
    expect(exported.stderr).toContain(`WARN OLD_KEY (production) expired at ${EXPIRED_AT}`);
    expect(exported.stderr).not.toContain(EXPIRED_VALUE);
  });

  it('run injects the expired value, after one WARN line for it (and an INFO line for the due one)', async () => {
    const result = await box.run(['run', '--env', 'production', ...AGENT]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ old: true, fresh: true });
    const lines = result.stderr.trimEnd().split('\n');
    const warnings = lines.filter((line) => / WARN /.test(line));
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\[\\d\\d:\\d\\d:\\d\\d\\] WARN OLD_KEY \\(production\\) expired at ${EXPIRED_AT}; served anyway`,
        ),
      ),
    ]);
    const due = lines.findIndex((line) =>
      /INFO DUE_KEY \(production\) is due for rotation since /.test(line),
    );
    expect(due).not.toBe(-1);
    // Before the agent starts: its first line comes after ours.
    expect(lines.indexOf(warnings[0]!)).toBeLessThan(lines.indexOf('AGENT STARTED'));
    expect(due).toBeLessThan(lines.indexOf('AGENT STARTED'));
    expect(result.stderr).not.toContain(EXPIRED_VALUE);
  });

  it('run --server warns the same way about an expired secret read through the API', async () => {
    const token = (
      await box.run(['token', 'create', '--role', 'agent', '--env', 'production', '--agent-id', 'bot'])
    ).stdout.trim();
    const server = startCli(['serve', '--port', '0'], box.env());
    try {
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(await server.waitFor(/^Serving /))![1]!;
      const result = await box.run(['run', '--server', url, '--env', 'production', ...AGENT], {
        env: { IRON_CAGE_MASTER_KEY: undefined, IRON_SECRETS_DB: undefined, IRON_SECRETS_TOKEN: token },
      });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ old: true, fresh: true });
      const lines = result.stderr.trimEnd().split('\n');
      const warning = lines.findIndex((line) =>
        line.includes(`WARN OLD_KEY (production) expired at ${EXPIRED_AT}; served anyway`),
      );
      expect(warning).not.toBe(-1);
      expect(warning).toBeLessThan(lines.indexOf('AGENT STARTED'));
      expect(lines.filter((line) => line.includes(' WARN '))).toHaveLength(1);
      expect(lines.some((line) => line.includes('INFO DUE_KEY (production) is due for rotation'))).toBe(true);
      expect(result.stderr).not.toContain(EXPIRED_VALUE);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);
});

describe('set --expires-in and --rotate-every', () => {
  it('refuses durations that are not a whole positive number of units', async () => {
    const box = sandbox();
    for (const duration of ['0s', '-1h', '1e9d', '999999999w', '1 d', '1.5h']) {
      const result = await box.run(['set', 'KEY', '--expires-in', duration], { input: 'value-123456' });
      expect(result.code, duration).toBe(2);
      expect(result.stderr).toContain('--expires-in');
    }
  });
});
