/**
 * The Python helper `iron_secrets`, in real Python processes against a real agent endpoint:
 * never through a proxy, names checked, removed names reported, a signal handler that only wakes
 * a thread, failures reported and never raised into the agent.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  agentEnvironment,
  PY_AGENT,
  PYTHON,
  PYTHON_HELPER_DIRECTORY,
  recordingListener,
  startAgent,
  type TestAgent,
  type TestEndpoint,
  testEndpoint,
  until,
} from './test-agent-harness.js';

/** _TIMEOUT_SECONDS of iron_secrets.py. */
const PYTHON_TIMEOUT_MS = 5_000;

const endpoints: TestEndpoint[] = [];
const agents: TestAgent[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.child.kill('SIGKILL');
  for (const test of endpoints.splice(0)) await test.endpoint.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function endpointServing(values: Record<string, string>): Promise<TestEndpoint> {
  const test = await testEndpoint(values);
  endpoints.push(test);
  return test;
}

function python(test: TestEndpoint, args: string[], secrets: Record<string, string>, extra = {}): TestAgent {
  const agent = startAgent(PYTHON, [PY_AGENT, ...args], agentEnvironment(test, secrets, extra), test);
  agents.push(agent);
  return agent;
}

/** Starts a watching agent and waits until the endpoint has it registered. */
async function watching(test: TestEndpoint, mode: string, names: string[], secrets: Record<string, string>) {
  const agent = python(test, [mode, ...names], secrets);
  const pid = Number((await agent.waitFor(/^ready /)).split(' ')[1]);
  await until(() => test.endpoint.watchers().includes(pid), 5_000, 'the agent to register');
  await until(() => test.served.ok >= 1, 5_000, 'the catch-up fetch after registering');
  return { agent, pid };
}

async function finish(agent: TestAgent): Promise<string> {
  agent.child.stdin!.end();
  const final = await agent.waitFor(/^final /);
  expect(await agent.exited).toBe(0);
  return final.slice('final '.length);
}

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'];

describe('iron_secrets: never through a proxy', () => {
  it('refresh() and watch() reach the endpoint directly while every proxy variable points elsewhere', async () => {
    const proxy = recordingListener();
    const listener = await proxy;
    cleanups.push(listener.close);
    const proxied = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, listener.url]));
    const test = await endpointServing({ APP_KEY: 'sk-fresh-value-1' });

    const refreshed = python(test, ['refresh', 'APP_KEY'], { APP_KEY: 'sk-old-value-1' }, proxied);
    expect(await refreshed.waitFor(/^changed /)).toBe('changed {"APP_KEY": "sk-fresh-value-1"}');
    expect(await refreshed.exited).toBe(0);

    const { agent } = await watching(test, 'watch', ['APP_KEY'], { APP_KEY: 'sk-fresh-value-1' });
    test.values.set('APP_KEY', 'sk-fresh-value-2');
    agent.child.kill('SIGUSR1');
    await agent.waitFor(/^changed APP_KEY sk-fresh-value-2$/);
    expect(await finish(agent)).toBe('{"APP_KEY": "sk-fresh-value-2"}');
    expect(listener.connections()).toBe(0);
  });

  it('refuses an endpoint that is not on the loopback, without sending the token', async () => {
    const test = await endpointServing({ APP_KEY: 'sk-fresh-value-1' });
    const agent = python(test, ['refresh'], {}, { IRON_SECRETS_ENDPOINT: 'http://192.0.2.1:9' });
    expect(await agent.exited).not.toBe(0);
    expect(agent.stderr.join('\n')).toContain('IRON_SECRETS_ENDPOINT must be http://127.0.0.1:<port>');
  });
});

describe('iron_secrets: names', () => {
  it('applies only valid secret names, and names the others in one warning line', async () => {
    const test = await endpointServing({
      GOOD_NAME: 'good-value-1',
      'bad-name': 'x-value-1',
      '1STARTS_WITH_DIGIT': 'x-value-2',
      [`A${'B'.repeat(256)}`]: 'x-value-3',
      NUL_IN_VALUE: 'a\u0000b',
    });
    const agent = python(test, ['refresh', 'GOOD_NAME', 'NUL_IN_VALUE'], {});
    expect(await agent.waitFor(/^changed /)).toBe('changed {"GOOD_NAME": "good-value-1"}');
    expect(await agent.waitFor(/^env /)).toBe('env {"GOOD_NAME": "good-value-1", "NUL_IN_VALUE": null}');
    expect(await agent.exited).toBe(0);
    expect(agent.stderr).toHaveLength(1);
    expect(agent.stderr[0]).toMatch(/^iron-secrets: WARN skipped names .*'bad-name'.*'1STARTS_WITH_DIGIT'/);
    expect(agent.stderr[0]).toContain('NUL_IN_VALUE');
    expect(agent.stderr[0]).not.toContain('x-value');
  });

  it("never applies a reserved name (core's table, generated into the helper)", async () => {
    expect(existsSync(join(PYTHON_HELPER_DIRECTORY, 'iron_secrets_reserved.py'))).toBe(true);
    const test = await endpointServing({
      APP_KEY: 'sk-fresh-value-1',
      LD_PRELOAD: '/tmp/evil.so',
      NODE_OPTIONS: '--require /tmp/evil.js',
      https_proxy: 'http://127.0.0.1:1',
      IRON_SECRETS_ENDPOINT: 'http://127.0.0.1:1',
    });
    const agent = python(test, ['refresh', 'LD_PRELOAD', 'NODE_OPTIONS', 'https_proxy'], {});
    expect(await agent.waitFor(/^changed /)).toBe('changed {"APP_KEY": "sk-fresh-value-1"}');
    expect(await agent.waitFor(/^env /)).toBe(
      'env {"LD_PRELOAD": null, "NODE_OPTIONS": null, "https_proxy": null}',
    );
    expect(agent.stderr).toHaveLength(1);
    expect(agent.stderr[0]).toMatch(
      /WARN skipped .*'LD_PRELOAD'.*'NODE_OPTIONS'.*'https_proxy'.*'IRON_SECRETS_ENDPOINT'/,
    );
  });
});

describe('iron_secrets: copied alone, without the generated table', () => {
  it('still applies only valid secret names', async () => {
    const alone = mkdtempSync(join(tmpdir(), 'iron-helper-alone-'));
    cleanups.push(() => rmSync(alone, { recursive: true, force: true }));
    copyFileSync(join(PYTHON_HELPER_DIRECTORY, 'iron_secrets.py'), join(alone, 'iron_secrets.py'));
    const test = await endpointServing({ GOOD_NAME: 'good-value-1', 'bad-name': 'x-value-1' });
    const agent = python(test, ['refresh', 'GOOD_NAME'], {}, { PYTHONPATH: alone });
    expect(await agent.waitFor(/^changed /)).toBe('changed {"GOOD_NAME": "good-value-1"}');
    expect(await agent.exited).toBe(0);
    expect(agent.stderr).toEqual([
      "iron-secrets: WARN skipped names that are not valid secret names or are reserved (not set): 'bad-name'",
    ]);
  });
});

describe('iron_secrets: removed names', () => {
  it('sync() says which names are gone and takes them out of os.environ; refresh() still returns the changed ones', async () => {
    const test = await endpointServing({ APP_KEY: 'sk-fresh-value-1', APP_OTHER: 'other-value-1' });
    const agent = python(test, ['sync', 'APP_KEY', 'APP_OTHER'], { APP_OTHER: 'other-value-1' });
    agent.child.stdin!.write('\n');
    expect(await agent.waitFor(/^sync /)).toBe(
      'sync {"changed": {"APP_KEY": "sk-fresh-value-1"}, "removed": []}',
    );
    test.values.delete('APP_OTHER');
    agent.child.stdin!.write('\n');
    await until(() => agent.stdout.length >= 4);
    expect(agent.stdout.slice(2)).toEqual([
      'sync {"changed": {}, "removed": ["APP_OTHER"]}',
      'env {"APP_KEY": "sk-fresh-value-1", "APP_OTHER": null}',
    ]);
    agent.child.stdin!.end();
    expect(await agent.exited).toBe(0);
  });
});

describe('iron_secrets.watch', () => {
  it('registers again when watch() follows unwatch(), and hears the next rotation', async () => {
    const test = await endpointServing({ APP_KEY: 'sk-old-value-1' });
    const { agent } = await watching(test, 'rewatch', ['APP_KEY'], { APP_KEY: 'sk-old-value-1' });
    test.values = new Map([['APP_KEY', 'sk-new-value-1']]);
    agent.child.kill('SIGUSR1');
    await agent.waitFor(/^changed APP_KEY sk-new-value-1$/);
    expect(await finish(agent)).toBe('{"APP_KEY": "sk-new-value-1"}');
  });

  it('registers, and on the signal calls back from its own thread with changed names and removed ones apart', async () => {
    const test = await endpointServing({ APP_KEY: 'sk-old-value-1', APP_GONE: 'gone-value-1' });
    const { agent, pid } = await watching(test, 'watch', ['APP_KEY', 'APP_GONE', 'APP_NEW'], {
      APP_KEY: 'sk-old-value-1',
      APP_GONE: 'gone-value-1',
    });
    expect(agent.stdout[0]).toBe(`ready ${pid} previous True`);
    test.values = new Map([
      ['APP_KEY', 'sk-new-value-1'],
      ['APP_NEW', 'new-value-1'],
    ]);
    agent.child.kill('SIGUSR1');
    await agent.waitFor(/^removed-still-set/);
    expect(await finish(agent)).toBe(
      '{"APP_GONE": null, "APP_KEY": "sk-new-value-1", "APP_NEW": "new-value-1"}',
    );
    expect(agent.stdout.slice(1, -1)).toEqual([
      'changed APP_KEY sk-new-value-1',
      'changed APP_NEW new-value-1',
      'thread iron-secrets-refresh False',
      'removed APP_GONE',
      'removed-still-set',
    ]);
    expect(agent.stderr).toEqual([]);
  });

  it('catches up right after registering with a rotation that happened before', async () => {
    const test = await endpointServing({ APP_KEY: 'sk-rotated-before-watch' });
    const { agent } = await watching(test, 'watch', ['APP_KEY'], { APP_KEY: 'sk-injected-value' });
    await agent.waitFor(/^changed APP_KEY sk-rotated-before-watch$/);
    await finish(agent);
  });

  it('keeps working with one callback, as docs/agents.md shows it; a failure is one line on stderr without a value', async () => {
    const test = await endpointServing({ APP_KEY: 'sk-old-value-1' });
    const { agent } = await watching(test, 'watch-one-argument', ['APP_KEY'], { APP_KEY: 'sk-old-value-1' });
    test.mode = 'fail';
    test.values.set('APP_KEY', 'sk-never-served-1');
    agent.child.kill('SIGUSR1');
    await until(() => agent.stderr.length > 0, 5_000, 'the error line');
    expect(agent.stderr).toEqual([
      "iron-secrets: refresh failed: the injector's endpoint answered 500 to GET /secrets",
    ]);
    test.mode = 'ok';
    agent.child.kill('SIGUSR1');
    await agent.waitFor(/^changed APP_KEY sk-never-served-1$/);
    expect(await finish(agent)).toBe('{"APP_KEY": "sk-never-served-1"}');
  });

  it('reports a callback that raises by its type only, and carries on', async () => {
    const test = await endpointServing({ APP_KEY: 'sk-old-value-1' });
    const { agent } = await watching(test, 'watch-raising', ['APP_KEY'], { APP_KEY: 'sk-old-value-1' });
    for (const value of ['sk-raised-value-1', 'sk-raised-value-2']) {
      test.values.set('APP_KEY', value);
      agent.child.kill('SIGUSR1');
      await agent.waitFor(/^raising APP_KEY$/);
      await until(() => agent.stderr.length >= (value.endsWith('1') ? 1 : 2), 5_000, 'the error line');
    }
    expect(await finish(agent)).toBe('{"APP_KEY": "sk-raised-value-2"}');
    expect(agent.stderr).toEqual([
      'iron-secrets: a rotation callback raised ValueError',
      'iron-secrets: a rotation callback raised ValueError',
    ]);
  });

  it('survives a registration the endpoint refuses: the error is reported, the handler still installed', async () => {
    const test = await endpointServing({ APP_KEY: 'sk-old-value-1' });
    const agent = python(test, ['watch', 'APP_KEY'], { APP_KEY: 'sk-old-value-1' });
    test.agentPid = 2 ** 22 + 1; // no process: the agent descends from none, so 403
    await agent.waitFor(/^ready /);
    await agent.waitFor(/^error /);
    expect(agent.stdout.find((line) => line.startsWith('error '))).toBe(
      "error EndpointError the injector's endpoint answered 403 to POST /watch",
    );
    expect(test.endpoint.watchers()).toEqual([]);
    test.values.set('APP_KEY', 'sk-new-value-1');
    agent.child.kill('SIGUSR1');
    await agent.waitFor(/^changed APP_KEY sk-new-value-1$/);
    await finish(agent);
  });

  it('unwatch() unregisters and puts the previous handler back', async () => {
    const test = await endpointServing({ APP_KEY: 'sk-old-value-1' });
    const { agent, pid } = await watching(test, 'watch', ['APP_KEY'], { APP_KEY: 'sk-old-value-1' });
    agent.child.stdin!.write('stop\n');
    expect(await agent.waitFor(/^stopped /)).toBe('stopped True');
    expect(test.endpoint.watchers()).not.toContain(pid);
    await finish(agent);
  });

  it(
    'gives up on an endpoint that never answers after its timeout',
    async () => {
      const silent: Server = createServer(() => {});
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => silent.close());
      const address = silent.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const test = await endpointServing({});
      const began = Date.now();
      const agent = python(test, ['refresh'], {}, { IRON_SECRETS_ENDPOINT: `http://127.0.0.1:${port}` });
      expect(await agent.exited).not.toBe(0);
      expect(Date.now() - began).toBeLessThan(PYTHON_TIMEOUT_MS + 3_000);
      expect(agent.stderr.join('\n')).toContain("the injector's endpoint could not be reached: timed out");
    },
    PYTHON_TIMEOUT_MS + 10_000,
  );

  it('imports the idna codec up front, so no handler or thread imports it later', async () => {
    const test = await endpointServing({});
    const agent = python(test, ['modules'], {});
    expect(await agent.waitFor(/^idna /)).toBe('idna True');
  });
});
