/**
 * `iron-secrets run` end to end, with real agents (Python and Node): injection, what the agent
 * must not see, exit statuses and signals, live rotation, --restart, redaction, the endpoint.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Sandbox, sandbox, startCli } from './test-support.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PY_AGENT = join(HERE, 'fixtures', 'agent.py');
const NODE_AGENT = join(HERE, 'fixtures', 'agent.mjs');
const AGENT_HELPER = join(HERE, '..', '..', 'runtime-injector', 'dist', 'agent.js');

const KEY = 'sk-proj-abc123def456ghi789';
const OTHER = 'postgres://app:pa55word-xyz@db/app';
const fingerprint = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 12);

async function withSecrets(): Promise<Sandbox> {
  const box = sandbox();
  await box.run(['set', 'APP_KEY', '--env', 'production'], { input: KEY });
  await box.run(['set', 'APP_DB_URL', '--env', 'production'], { input: OTHER });
  await box.run(['set', 'APP_KEY', '--env', 'staging'], { input: 'not-for-production-1' });
  return box;
}

const run = (...command: string[]) => ['run', '--env', 'production', '--', ...command];

describe('iron-secrets run: injection', () => {
  it('gives a Python agent every secret of its environment, and none of the master key, token or database', async () => {
    const box = await withSecrets();
    const agent = startCli(
      run('python3', PY_AGENT, 'env'),
      box.env({ IRON_SECRETS_TOKEN: 'iron_should_not_pass' }),
    );
    const line = await agent.waitFor(/^pid \d+ /);
    const [, pid, json] = /^pid (\d+) (.*)$/.exec(line)!;
    expect(JSON.parse(json!)).toEqual({ APP_DB_URL: fingerprint(OTHER), APP_KEY: fingerprint(KEY) });
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const names = environ.map((entry) => entry.split('=')[0]);
    for (const withheld of [
      'IRON_CAGE_MASTER_KEY',
      'IRON_CAGE_MASTER_KEY_FILE',
      'IRON_SECRETS_TOKEN',
      'IRON_SECRETS_DB',
    ]) {
      expect(names).not.toContain(withheld);
    }
    expect(environ.join('\n')).not.toContain(box.masterKey);
    expect(names).toEqual(
      expect.arrayContaining(['APP_KEY', 'IRON_SECRETS_ENDPOINT', 'IRON_SECRETS_AGENT_TOKEN']),
    );
    expect((await agent.waitFor(/^pythonpath /)).endsWith(join('runtime-injector', 'python'))).toBe(true);
    // Values are never on the agent's command line.
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    expect(cmdline).not.toContain(KEY);
    agent.child.stdin.end();
    expect(await agent.exited).toBe(0);
  });

  it('appends to an existing PYTHONPATH and passes stdin through', async () => {
    const box = await withSecrets();
    const agent = startCli(run('python3', PY_AGENT, 'env'), box.env({ PYTHONPATH: '/opt/mine' }));
    expect(await agent.waitFor(/^pythonpath /)).toMatch(
      /^pythonpath \/opt\/mine:.*runtime-injector\/python$/,
    );
    agent.child.stdin.end();
    await agent.exited;
    const echoed = await box.run(run('cat'), { input: 'through stdin\n' });
    expect(echoed).toMatchObject({ code: 0, stdout: 'through stdin\n' });
  });

  it('gives a Node agent its values, and rotates it through @iron/secrets-runtime/agent', async () => {
    const box = await withSecrets();
    const agent = startCli(run(process.execPath, NODE_AGENT, AGENT_HELPER, '3000'), box.env());
    expect(await agent.waitFor(/^ready pid/)).toContain(`key ${fingerprint(KEY)}`);
    await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-rotated-for-node-1' });
    expect(await agent.waitFor(/^callback 1 /)).toContain(fingerprint('sk-proj-rotated-for-node-1'));
    expect(await agent.waitFor(/^calls /)).toBe(`calls 1 now ${fingerprint('sk-proj-rotated-for-node-1')}`);
    expect(await agent.exited).toBe(0);
  });
});

describe('iron-secrets run: like a supervisor', () => {
  it('exits with the agent status, 128 + n for signal n, 127 when not found, 126 when not executable', async () => {
    const box = await withSecrets();
    expect((await box.run(run('sh', '-c', 'exit 7'))).code).toBe(7);
    expect((await box.run(run('sh', '-c', 'kill -TERM $$'))).code).toBe(143);
    expect((await box.run(run('sh', '-c', 'kill -KILL $$'))).code).toBe(137);
    const missing = await box.run(run('no-such-command-here'));
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/ERROR no-such-command-here: command not found/);
    const script = join(box.dir, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    chmodSync(script, 0o644);
    expect((await box.run(run(script))).code).toBe(126);
  });

  it.each(['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT'] as const)('forwards %s to the agent', async (signal) => {
    const box = await withSecrets();
    const agent = startCli(run('python3', PY_AGENT, 'trap'), box.env());
    await agent.waitFor(/^trapping/);
    agent.child.kill(signal);
    expect(await agent.waitFor(/^got /)).toBe(`got ${signal}`);
    const numbers = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };
    expect(await agent.exited).toBe(40 + numbers[signal]);
  });

  it('refuses a missing database, a bad signal, and --server without a token', async () => {
    const box = sandbox();
    expect((await box.run(run('true'))).code).toBe(3);
    const withDb = await withSecrets();
    expect((await withDb.run(['run', '--signal', 'SIGNOPE', '--', 'true'])).code).toBe(2);
    const noToken = await withDb.run(['run', '--server', 'http://127.0.0.1:9', '--', 'true']);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('IRON_SECRETS_TOKEN');
  });
});

describe('iron-secrets run: live rotation', () => {
  it('reaches a running Python agent within 2 seconds: same PID, callback called once', async () => {
    const box = await withSecrets();
    const agent = startCli(run('python3', PY_AGENT, 'rotate', '4'), box.env());
    const ready = await agent.waitFor(/^ready pid/);
    const pid = ready.split(' ')[2];
    const rotated = 'sk-proj-rotated-value-0001';
    const written = await box.run(['set', 'APP_KEY', '--env', 'production'], { input: rotated });
    const committed = Date.now() - 50; // the set process exits just after its commit
    expect(written.code).toBe(0);
    const callback = await agent.waitFor(/^callback 1 /, 2000);
    expect(Date.now() - committed).toBeLessThan(2000);
    expect(callback).toBe(`callback 1 pid ${pid} {"APP_KEY": "${fingerprint(rotated)}"}`);
    expect(await agent.waitFor(/^calls /)).toBe(`calls 1 now ${fingerprint(rotated)}`);
    expect(await agent.exited).toBe(0);
    expect(agent.lines).toContainEqual(
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\] INFO Secret rotated: APP_KEY \(no restart required\)$/),
    );
    expect(agent.lines.join('\n')).not.toContain(rotated);
    // The agent's fetch from the endpoint is audited as its READ.
    const trail = JSON.parse(
      (await box.run(['audit', '--json', '--secret', 'APP_KEY', '--env', 'production'])).stdout,
    );
    expect(
      trail.filter((e: { requester_role: string }) => e.requester_role === 'agent').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('--restart restarts the agent with the new values instead', async () => {
    const box = await withSecrets();
    const agent = startCli(
      ['run', '--env', 'production', '--restart', '--', 'python3', PY_AGENT, 'sleep', '30'],
      box.env(),
    );
    const first = await agent.waitFor(/^started pid/);
    await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-after-restart-1' });
    await agent.waitFor(/INFO Secret rotated: APP_KEY \(agent restarted\)/);
    const second = await agent.waitFor(new RegExp(`key ${fingerprint('sk-proj-after-restart-1')}`));
    expect(second.split(' ')[2]).not.toBe(first.split(' ')[2]);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });
});

describe('docs/agents.md', () => {
  it('its Python example, as written, rotates live', async () => {
    const docs = readFileSync(join(HERE, '..', '..', '..', 'docs', 'agents.md'), 'utf8');
    const example = /```python\n([\s\S]*?)```/.exec(docs)![1]!;
    const box = sandbox();
    await box.run(['set', 'OPENAI_API_KEY', '--env', 'production'], { input: KEY });
    const script = join(box.dir, 'agent.py');
    writeFileSync(script, example);
    const agent = startCli(run('python3', script), box.env());
    // The example prints nothing before a rotation: give it time to start and call watch().
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await box.run(['set', 'OPENAI_API_KEY', '--env', 'production'], { input: 'sk-proj-rotated-from-docs-1' });
    expect(await agent.waitFor(/^rotated: /)).toBe('rotated: OPENAI_API_KEY');
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(143);
  });
});

describe('iron-secrets run: redaction and the endpoint', () => {
  it('redacts a value the agent prints 10,000 times', async () => {
    const box = await withSecrets();
    const result = await box.run(run('python3', PY_AGENT, 'repeat', '10000'));
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(KEY);
    expect(result.stdout).toBe('[SECRET_REDACTED]\n'.repeat(10_000));
  });

  it('passes binary output through byte for byte', async () => {
    const box = await withSecrets();
    const file = join(box.dir, 'random.bin');
    const bytes = randomBytes(1 << 20);
    writeFileSync(file, bytes);
    const result = spawnSync(
      process.execPath,
      [join(HERE, '..', 'bin', 'iron-secrets.js'), ...run('python3', PY_AGENT, 'binary', file)],
      {
        env: box.env(),
        maxBuffer: 8 << 20,
      },
    );
    expect(result.status).toBe(0);
    expect(Buffer.compare(result.stdout, bytes)).toBe(0);
  });

  it('--no-redact lets values through', async () => {
    const box = await withSecrets();
    const result = await box.run([
      'run',
      '--env',
      'production',
      '--no-redact',
      '--',
      'python3',
      PY_AGENT,
      'repeat',
      '1',
    ]);
    expect(result.stdout).toBe(`${KEY}\n`);
  });

  it('the endpoint answers only its token: 401 without or with a wrong one, 404 elsewhere', async () => {
    const box = await withSecrets();
    const result = await box.run(run('python3', PY_AGENT, 'endpoint'));
    expect(result.stdout).toBe(
      [
        'none 401 None',
        'wrong 401 None',
        'other-path 404 None',
        "right 200 ['APP_DB_URL', 'APP_KEY']",
        '',
      ].join('\n'),
    );
  });
});
