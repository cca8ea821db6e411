/**
 * `runAgent` with a fake source and real child processes: what it signals, what it restarts, and
 * that it releases everything it opened on every way out.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runAgent } from './run-agent.js';
import type { SecretSource, SecretValues } from './secret-source.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A source whose values the test sets, and whose watch the test triggers. */
function fakeSource(initial: Record<string, string>) {
  let values: SecretValues = new Map(Object.entries(initial));
  let onChange: (() => void) | undefined;
  const state = { watching: false, stopped: false, fetches: 0 };
  const source: SecretSource = {
    description: 'fake',
    credentials: [],
    fetch: async () => {
      state.fetches += 1;
      return values;
    },
    watch(change) {
      state.watching = true;
      onChange = change;
      return () => {
        state.stopped = true;
      };
    },
    close: async () => {},
  };
  const rotate = (next: Record<string, string>) => {
    values = new Map(Object.entries(next));
    onChange?.();
  };
  return { source, state, rotate };
}

function collector() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

function run(source: SecretSource, command: string, args: string[], extra: { restart?: boolean } = {}) {
  const stdout = collector();
  const stderr = collector();
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
  (stdin as unknown as PassThrough).end();
  const status = runAgent({
    command,
    args,
    source,
    env: { PATH: process.env.PATH },
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    restartGraceMs: 2_000,
    ...extra,
  });
  return { status, stdout, stderr };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runAgent: signals only to processes that asked for them', () => {
  it('an agent that never called watch() survives a rotation, and the injector says it was not signalled', async () => {
    const { source, rotate } = fakeSource({ APP_KEY: 'sk-first-value-1' });
    const agent = run(source, 'sh', ['-c', 'sleep 1; echo alive']);
    await sleep(300);
    rotate({ APP_KEY: 'sk-second-value-2' });
    expect(await agent.status).toBe(0);
    expect(agent.stdout.text()).toBe('alive\n');
    expect(agent.stderr.text()).toMatch(/WARN the agent does not handle the rotation signal/);
    expect(agent.stderr.text()).toMatch(/INFO Secret rotated: APP_KEY \(agent not signalled\)/);
    expect(agent.stderr.text()).not.toContain('no restart required');
  });

  it('a Node agent that never called watch() does not open its inspector on a rotation', async () => {
    const { source, rotate } = fakeSource({ APP_KEY: 'sk-first-value-1' });
    const agent = run(source, process.execPath, ['-e', 'setTimeout(() => {}, 1500)']);
    await sleep(600);
    rotate({ APP_KEY: 'sk-second-value-2' });
    expect(await agent.status).toBe(0);
    expect(agent.stderr.text()).not.toMatch(/Debugger listening/);
  });
});

describe('runAgent: --restart', () => {
  it('returns the status of an agent that exits by itself during a rotation, without restarting it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'iron-restart-'));
    directories.push(directory);
    const starts = join(directory, 'starts');
    const { source, rotate } = fakeSource({ APP_KEY: 'sk-first-value-1' });
    // It exits at once, but a background process keeps its output open for a second, so the
    // injector is still reading it when the rotation arrives.
    const agent = run(source, 'sh', ['-c', `echo started >> ${starts}; (sleep 1) & exit 7`], {
      restart: true,
    });
    await sleep(400);
    rotate({ APP_KEY: 'sk-second-value-2' });
    expect(await agent.status).toBe(7);
    expect(readFileSync(starts, 'utf8')).toBe('started\n');
    expect(agent.stderr.text()).not.toContain('agent restarted');
  });

  it('restarts a running agent with the new values', async () => {
    const { source, rotate } = fakeSource({ APP_KEY: 'sk-first-value-1' });
    const agent = run(source, 'sh', ['-c', 'echo "run $APP_KEY"; sleep 0.8'], { restart: true });
    await sleep(300);
    rotate({ APP_KEY: 'sk-second-value-2' });
    expect(await agent.status).toBe(0);
    expect(agent.stderr.text()).toMatch(/Secret rotated: APP_KEY \(agent restarted\)/);
    expect(agent.stdout.text()).toBe('run [SECRET_REDACTED]\nrun [SECRET_REDACTED]\n');
  });
});

describe('runAgent: when its output goes away', () => {
  it('an agent writing into a closed pipe ends as it would without the injector, which does not crash', async () => {
    const { source } = fakeSource({ APP_KEY: 'sk-first-value-1' });
    let writes = 0;
    // A reader that goes away after the first chunk, as `| head -1` does.
    const closing = new Writable({
      write(_chunk, _encoding, done) {
        writes += 1;
        done(writes > 1 ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : null);
      },
    });
    const stderr = collector();
    const stdin = new PassThrough();
    stdin.end();
    const status = await runAgent({
      command: 'sh',
      args: ['-c', 'while :; do echo a line of output; done'],
      source,
      env: { PATH: process.env.PATH },
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: closing,
      stderr: stderr.stream,
    });
    // Killed by SIGPIPE (13) at its next write, like `yes | head -1`.
    expect(status).toBe(128 + 13);
  });
});

describe('runAgent: one owner releases everything', () => {
  it('a start-up failure releases the endpoint and the signal handlers (the watch cannot start)', async () => {
    const listeners = process.listenerCount('SIGTERM');
    const servers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;
    const before = servers();
    const { source } = fakeSource({ APP_KEY: 'sk-first-value-1' });
    source.watch = () => {
      throw new Error('the change feed is not readable');
    };
    await expect(run(source, 'true', []).status).rejects.toThrow(/change feed/);
    expect(process.listenerCount('SIGTERM')).toBe(listeners);
    expect(servers()).toBe(before);
  });

  it('a failure to start the agent releases the endpoint, the signal handlers and the watch', async () => {
    const listeners = process.listenerCount('SIGTERM');
    const servers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;
    const before = servers();
    // A value with a NUL byte cannot be put in an environment: spawn throws.
    const { source, state } = fakeSource({ APP_KEY: 'sk-first\u0000value' });
    await expect(run(source, 'true', []).status).rejects.toThrow();
    expect(state.stopped || !state.watching).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(listeners);
    expect(servers()).toBe(before);
  });

  it('after the agent exits, nothing of the injector is left running', async () => {
    const listeners = process.listenerCount('SIGTERM');
    const { source, state } = fakeSource({ APP_KEY: 'sk-first-value-1' });
    expect(await run(source, 'true', []).status).toBe(0);
    expect(state.stopped).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(listeners);
  });
});
