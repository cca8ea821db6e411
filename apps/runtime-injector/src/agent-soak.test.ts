/**
 * A Python and a Node agent through 100 rotations, signalled as the injector does (only the PIDs
 * registered at the endpoint), in bursts of signals 1 ms apart, with the endpoint failing (500) or
 * slow for some of them: no crash, the last value wins, values never go back, every failure
 * reaches the error callback, and a removed name is reported and gone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  agentEnvironment,
  compileNodeHelper,
  NODE_AGENT,
  PY_AGENT,
  PYTHON,
  type SourceMode,
  startAgent,
  type TestAgent,
  type TestEndpoint,
  testEndpoint,
  until,
} from './test-agent-harness.js';

const ROTATIONS = 100;
/**
 * Which rotations find the endpoint failing (10), and which find it slow (5, SLOW_MS each). A slow
 * fetch spans the next ten rotations or so, which the agent then sees in one fetch: so no failing
 * rotation falls in the shadow of every slow one.
 */
const modeOf = (rotation: number): SourceMode =>
  rotation % 10 === 3 ? 'fail' : rotation % 20 === 7 ? 'slow' : 'ok';
const SLOW_MS = 300;
/** Signals per burst: 1 to 4, 1 ms apart. */
const burstOf = (rotation: number) => 1 + (rotation % 4);
const BURST_GAP_MS = 1;
/** The pause between two rotations. */
const ROTATION_GAP_MS = 25;
/** The rotation that removes APP_DROP, and the one that adds APP_EXTRA. */
const DROP_AT = 50;
const ADD_AT = 60;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const keyOf = (rotation: number) => `sk-soak-value-${rotation}`;

let helper: { path: string; remove: () => void };
beforeAll(() => {
  helper = compileNodeHelper();
});
afterAll(() => helper?.remove());

let running: { agent?: TestAgent; test?: TestEndpoint } = {};
afterEach(async () => {
  running.agent?.child.kill('SIGKILL');
  await running.test?.endpoint.close();
  running = {};
});

const agents: Record<
  string,
  (test: TestEndpoint, names: string[], secrets: Record<string, string>) => TestAgent
> = {
  python: (test, names, secrets) =>
    startAgent(PYTHON, [PY_AGENT, 'watch', ...names], agentEnvironment(test, secrets), test),
  node: (test, names, secrets) =>
    startAgent(
      process.execPath,
      [NODE_AGENT, helper.path, 'watch', ...names],
      agentEnvironment(test, secrets),
      test,
    ),
};

describe.each(Object.keys(agents))('a %s agent through 100 rotations in bursts', (kind) => {
  it('never crashes, ends on the last value, reports every failure and the removed name', async () => {
    const began = Date.now();
    const initial = { APP_KEY: keyOf(0), APP_DROP: 'drop-value-0' };
    const test = await testEndpoint(initial);
    test.slowMs = SLOW_MS;
    const agent = agents[kind]!(test, ['APP_KEY', 'APP_DROP', 'APP_EXTRA'], initial);
    running = { agent, test };
    const pid = Number((await agent.waitFor(/^ready /)).split(' ')[1]);
    await until(() => test.endpoint.watchers().includes(pid), 10_000, 'the agent to register');
    await until(() => test.served.ok >= 1, 10_000, 'the catch-up fetch');

    let signals = 0;
    for (let rotation = 1; rotation <= ROTATIONS; rotation += 1) {
      test.values.set('APP_KEY', keyOf(rotation));
      if (rotation === DROP_AT) test.values.delete('APP_DROP');
      if (rotation === ADD_AT) test.values.set('APP_EXTRA', 'extra-value-60');
      test.mode = modeOf(rotation);
      for (let i = 0; i < burstOf(rotation); i += 1) {
        // As the injector does: only the processes registered for the signal.
        for (const watcher of test.endpoint.watchers()) process.kill(watcher, 'SIGUSR1');
        signals += 1;
        await sleep(BURST_GAP_MS);
      }
      await sleep(ROTATION_GAP_MS);
    }
    test.mode = 'ok';
    await agent.waitFor(new RegExp(`^changed APP_KEY ${keyOf(ROTATIONS)}$`), 10_000);
    agent.child.stdin!.end();
    const final = await agent.waitFor(/^final /);
    expect(await agent.exited).toBe(0);

    expect(JSON.parse(final.slice('final '.length))).toEqual({
      APP_KEY: keyOf(ROTATIONS),
      APP_DROP: null,
      APP_EXTRA: 'extra-value-60',
    });
    const lines = agent.stdout;
    // The last value wins, and a value never goes back to an older one.
    const seen = lines
      .filter((line) => line.startsWith('changed APP_KEY '))
      .map((line) => Number(line.split('-').at(-1)));
    expect(seen.at(-1)).toBe(ROTATIONS);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    // Every failed fetch reached the error callback, and nothing else failed.
    const errors = lines.filter((line) => line.startsWith('error '));
    expect(test.served.failed).toBeGreaterThan(0);
    expect(errors).toHaveLength(test.served.failed);
    expect(new Set(errors)).toEqual(
      new Set(["error EndpointError the injector's endpoint answered 500 to GET /secrets"]),
    );
    // The removed name was reported once, apart from the changed ones, and is gone.
    expect(lines.filter((line) => line.startsWith('removed '))).toEqual(['removed APP_DROP']);
    expect(lines).toContain('removed-still-set');
    expect(lines).toContain('changed APP_EXTRA extra-value-60');
    expect(lines.some((line) => line.startsWith('BAD-VALUE'))).toBe(false);
    expect(agent.stderr).toEqual([]);
    // Bursts were coalesced: far fewer fetches than signals.
    const fetches = test.served.ok + test.served.failed;
    console.log(
      `${kind}: ${ROTATIONS} rotations, ${signals} signals, ${fetches} fetches (${test.served.failed} failed), ${seen.length} callbacks, ${Date.now() - began} ms`,
    );
    expect(fetches).toBeLessThan(signals);
  }, 30_000);
});
