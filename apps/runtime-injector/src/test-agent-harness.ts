/**
 * @module test-agent-harness
 * For the helpers' tests: a real agent endpoint fed by values the test changes, and real agent
 * processes (Python with `iron_secrets`, Node with `agent.ts`) started against it, as
 * `iron-secrets run` would start them, with their output as lines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { type AgentEndpoint, startAgentEndpoint } from './agent-endpoint.js';
import { isDescendantOf } from './process-tree.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PYTHON_HELPER_DIRECTORY = join(HERE, '..', 'python');
export const PY_AGENT = join(HERE, 'fixtures', 'helper_agent.py');
export const NODE_AGENT = join(HERE, 'fixtures', 'helper-agent.mjs');
/** The Python to test with (`IRON_TEST_PYTHON=~/.pyenv/versions/3.8.18/bin/python3` for 3.8). */
export const PYTHON = process.env.IRON_TEST_PYTHON ?? 'python3';

/** How the fake source answers: normally, with an error (the endpoint's 500), or late. */
export type SourceMode = 'ok' | 'fail' | 'slow';

/** An endpoint whose `current()` serves `values`, as the test sets them, and counts what it served. */
export interface TestEndpoint {
  readonly endpoint: AgentEndpoint;
  values: Map<string, string>;
  mode: SourceMode;
  slowMs: number;
  /** Requests answered with values, and with an error. */
  readonly served: { ok: number; failed: number };
  /** The agent whose processes may register (`isAgentProcess`). */
  agentPid: number | undefined;
}

export async function testEndpoint(values: Record<string, string>): Promise<TestEndpoint> {
  const state: Omit<TestEndpoint, 'endpoint'> = {
    values: new Map(Object.entries(values)),
    mode: 'ok',
    slowMs: 300,
    served: { ok: 0, failed: 0 },
    agentPid: undefined,
  };
  const endpoint = await startAgentEndpoint(
    async () => {
      const mode = state.mode;
      const values = new Map(state.values);
      if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, state.slowMs));
      if (mode === 'fail') {
        state.served.failed += 1;
        throw new Error('the source is down');
      }
      state.served.ok += 1;
      return values;
    },
    { isAgentProcess: (pid) => state.agentPid !== undefined && isDescendantOf(pid, state.agentPid) },
  );
  return Object.assign(state, { endpoint });
}

/** A running agent: its output as lines (stdout and stderr apart), and its exit status. */
export interface TestAgent {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<number | string>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function startAgent(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  test?: TestEndpoint,
): TestAgent {
  const child = spawn(command, [...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  if (test !== undefined) test.agentPid = child.pid;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const collect = (stream: NodeJS.ReadableStream, lines: string[]) => {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const complete = partial.split('\n');
      partial = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        if (lines !== stdout) continue;
        for (const wait of waiting.splice(0)) {
          if (wait.pattern.test(line)) wait.resolve(line);
          else waiting.push(wait);
        }
      }
    });
  };
  collect(child.stdout!, stdout);
  collect(child.stderr!, stderr);
  const exited = new Promise<number | string>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return {
    child,
    stdout,
    stderr,
    exited,
    waitFor(pattern, timeoutMs = 10_000) {
      const seen = stdout.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no line matching ${pattern} within ${timeoutMs} ms; stdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
              ),
            ),
          timeoutMs,
        );
        waiting.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

/** The environment `iron-secrets run` gives an agent: its secrets, the endpoint, the helper. */
export function agentEnvironment(
  test: TestEndpoint,
  secrets: Record<string, string>,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PYTHONPATH: PYTHON_HELPER_DIRECTORY,
    PYTHONDONTWRITEBYTECODE: '1',
    IRON_SECRETS_ENDPOINT: test.endpoint.url,
    IRON_SECRETS_AGENT_TOKEN: test.endpoint.token,
    ...secrets,
    ...extra,
  };
}

/** Waits until `check()` holds, polling. */
export async function until(check: () => boolean, timeoutMs = 10_000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A TCP listener that records every connection it receives (standing in for a proxy). */
export async function recordingListener(): Promise<{
  url: string;
  connections: () => number;
  close(): void;
}> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, close: () => server.close() };
}

/**
 * The Node helper (`agent.ts` and the modules it imports) compiled to JavaScript in a temporary
 * directory, so the tests run the source as it is now, not a `dist` of some earlier build.
 * Returns the path of `agent.js` and a function removing the directory.
 */
export function compileNodeHelper(): { path: string; remove: () => void } {
  const out = mkdtempSync(join(tmpdir(), 'iron-agent-helper-'));
  const pending = ['agent.ts'];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(join(HERE, file), 'utf8');
    for (const [, imported] of source.matchAll(/from '\.\/([^']+)\.js'/g)) pending.push(`${imported}.ts`);
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    const target = join(out, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  return { path: join(out, 'agent.js'), remove: () => rmSync(out, { recursive: true, force: true }) };
}
