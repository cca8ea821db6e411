/**
 * `iron-secrets run --server` tells the truth (issue 15): a token that is not an agent token is
 * refused before the agent starts, 401 and 403 are the token's fault (exit 4), and a server that
 * cannot be reached is named with the cause (exit 1), never an internal failure to report. And
 * the Node helper reaches an agent in a directory of its own through IRON_SECRETS_NODE_HELPER.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCli, type Sandbox, sandbox, startCli } from './test-support.js';

/** The agent's machine: no master key, no database, only the server and a token. */
const remote = (token: string) => ({
  env: { IRON_CAGE_MASTER_KEY: undefined, IRON_SECRETS_DB: undefined, IRON_SECRETS_TOKEN: token },
});

/** An agent that would say it started: it must never. */
const AGENT = ['--', process.execPath, '-e', 'console.log("AGENT STARTED")'];

describe('iron-secrets run --server', () => {
  let box: Sandbox;
  let server: RunningCli;
  let url: string;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    box = sandbox();
    await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-run-server-1' });
    tokens.admin = (await box.run(['token', 'create', '--role', 'admin'])).stdout.trim();
    tokens.viewer = (await box.run(['token', 'create', '--role', 'viewer'])).stdout.trim();
    tokens.agent = (
      await box.run(['token', 'create', '--role', 'agent', '--env', 'production', '--agent-id', 'bot'])
    ).stdout.trim();
    const old = JSON.parse(
      (
        await box.run([
          'token',
          'create',
          '--role',
          'agent',
          '--env',
          'production',
          '--agent-id',
          'old',
          '--json',
        ])
      ).stdout,
    ) as { id: string; token: string };
    tokens.revoked = old.token;
    expect((await box.run(['token', 'revoke', old.id])).code).toBe(0);
    server = startCli(['serve', '--port', '0'], box.env());
    url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(await server.waitFor(/^Serving /))![1]!;
  }, 60_000);
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it.each(['admin', 'viewer'])(
    'refuses a %s token before starting the agent: ACCESS_DENIED, exit 4',
    async (role) => {
      const result = await box.run(
        ['run', '--server', url, '--env', 'production', ...AGENT],
        remote(tokens[role]!),
      );
      expect(result.code).toBe(4);
      expect(result.stdout).not.toContain('AGENT STARTED');
      expect(result.stderr).toContain('(ACCESS_DENIED)');
      expect(result.stderr).toMatch(new RegExp(`token is an? ${role} token`));
      expect(result.stderr).not.toContain(tokens[role]!);
    },
  );

  it('reports a revoked token as INVALID_TOKEN and a wrong environment as ACCESS_DENIED, exit 4', async () => {
    const revoked = await box.run(
      ['run', '--server', url, '--env', 'production', ...AGENT],
      remote(tokens.revoked!),
    );
    expect(revoked.code).toBe(4);
    expect(revoked.stderr).toContain('(INVALID_TOKEN)');
    expect(revoked.stderr).not.toMatch(/INTERNAL|report it/);
    expect(revoked.stdout).not.toContain('AGENT STARTED');

    const elsewhere = await box.run(
      ['run', '--server', url, '--env', 'staging', ...AGENT],
      remote(tokens.agent!),
    );
    expect(elsewhere.code).toBe(4);
    expect(elsewhere.stderr).toContain('(ACCESS_DENIED)');
    expect(elsewhere.stderr).not.toMatch(/INTERNAL|report it/);
    expect(elsewhere.stdout).not.toContain('AGENT STARTED');
  });

  it('still runs an agent with an agent token', async () => {
    const result = await box.run(
      ['run', '--server', url, '--env', 'production', ...AGENT],
      remote(tokens.agent!),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('AGENT STARTED');
  });

  it('names a server that refuses connections and the cause, exit 1, not INTERNAL', async () => {
    // A port that was just free: nothing listens there.
    const idle = createServer();
    await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
    const port = (idle.address() as AddressInfo).port;
    await new Promise((resolve) => idle.close(resolve));
    const result = await box.run(
      ['run', '--server', `http://127.0.0.1:${port}`, '--env', 'production', ...AGENT],
      remote(tokens.agent!),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach http://127.0.0.1:${port}: connection refused`);
    expect(result.stderr).toContain('(SERVER_UNAVAILABLE)');
    expect(result.stderr).not.toMatch(/INTERNAL|report it|fetch failed/);
  });

  it('names a TLS failure: https to a server speaking plain http', async () => {
    const port = new URL(url).port;
    const result = await box.run(
      ['run', '--server', `https://127.0.0.1:${port}`, '--env', 'production', ...AGENT],
      remote(tokens.agent!),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /cannot reach https:\/\/127\.0\.0\.1:\d+: TLS failed: the server does not speak TLS on that port/,
    );
    expect(result.stderr).not.toMatch(/INTERNAL|report it/);
  });
});

describe('a server that does not answer', () => {
  let silent: Server;
  afterEach(() => {
    silent?.closeAllConnections();
    silent?.close();
  });

  it('is a timeout naming the server, exit 1', { timeout: 30_000 }, async () => {
    const box = sandbox();
    silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const result = await box.run(
      ['run', '--server', target, '--env', 'production', ...AGENT],
      remote(`iron_0123456789ab_${'A'.repeat(43)}`),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach ${target}: no answer within 15 s (timeout)`);
    expect(result.stderr).not.toMatch(/INTERNAL|report it/);
  });
});

describe('the Node helper', () => {
  let outside: string;
  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'iron-node-agent-'));
  });
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  it('is imported by an agent outside the workspace from IRON_SECRETS_NODE_HELPER, nothing installed', async () => {
    const box = sandbox();
    await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-helper-value-1' });
    const agent = join(outside, 'agent.mjs');
    writeFileSync(
      agent,
      [
        'const iron = await import(process.env.IRON_SECRETS_NODE_HELPER);',
        "console.log('helper:', typeof iron.get, typeof iron.watch,",
        "  iron.get('APP_KEY') === process.env.APP_KEY && process.env.APP_KEY !== undefined);",
      ].join('\n'),
    );
    const result = await box.run(['run', '--env', 'production', '--', process.execPath, agent]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('helper: function function true');
  });
});
