/**
 * @module test-support
 * Driving the built `iron-secrets` binary as a subprocess, the way operators and scripts do:
 * real argv, real stdin, real exit codes. Each test gets its own data directory and master key
 * and an environment with nothing inherited from the machine's IRON_* variables.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The installed command: `bin/iron-secrets.js`, which runs the compiled `dist/main.js`. */
export const BIN = join(HERE, '..', 'bin', 'iron-secrets.js');
const BUILT = join(HERE, '..', 'dist', 'main.js');

/** What one run of the binary did. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A throw-away installation: a data directory, a database path and a master key. */
export interface Sandbox {
  readonly dir: string;
  readonly db: string;
  readonly masterKey: string;
  /** The environment a run gets: only what the CLI needs, plus `extra`. */
  env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
  /** Runs `iron-secrets ...args` with `--db` unset (IRON_SECRETS_DB points at the sandbox). */
  run(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** SHA-256 of the database file: equal before and after means nothing was written. */
  fingerprint(): string;
}

/** Options of {@link Sandbox.run}. */
export interface RunOptions {
  /** Written to stdin, which is then closed; omitted, stdin is closed at once (empty). */
  readonly input?: string | Buffer;
  /** Added to (or, with `undefined`, removed from) the sandbox's environment. */
  readonly env?: Record<string, string | undefined>;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A new random master key, base64. */
export function newMasterKey(): string {
  return randomBytes(32).toString('base64');
}

/** A sandbox removed after the test. Fails clearly when the CLI has not been built. */
export function sandbox(): Sandbox {
  if (!existsSync(BUILT)) {
    throw new Error(`${BUILT} is missing: build the CLI first (pnpm build, or pnpm test which builds)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'iron-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'secrets.db');
  const masterKey = newMasterKey();
  const env = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
    const base: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      XDG_DATA_HOME: join(dir, 'xdg'),
      IRON_SECRETS_DB: db,
      IRON_CAGE_MASTER_KEY: masterKey,
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
    };
    for (const [name, value] of Object.entries(extra)) {
      if (value === undefined) delete base[name];
      else base[name] = value;
    }
    return base;
  };
  return {
    dir,
    db,
    masterKey,
    env,
    run: (args, options = {}) => runCli(args, env(options.env), options.input),
    fingerprint: () =>
      existsSync(db) ? createHash('sha256').update(readFileSync(db)).digest('hex') : 'absent',
  };
}

/** Runs the binary with exactly `env`, feeding `input` to stdin. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: string | Buffer,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // The CLI stops reading an oversized value early; the rest of our write then fails with EPIPE.
    child.stdin.on('error', () => {});
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    child.stdin.end(input ?? '');
  });
}

/** One step of a terminal session: wait for `expect` in the output, then type `send`. */
export interface PtyStep {
  readonly expect: string;
  readonly send?: string;
  /** Runs another program once `expect` is seen (before `send`), and waits for it. */
  readonly exec?: {
    readonly argv: readonly string[];
    readonly env: NodeJS.ProcessEnv;
    readonly input?: string;
  };
}

/** What a terminal session showed, and how it ended. */
export interface PtyResult {
  readonly code: number;
  /** Everything the terminal displayed (stdout and stderr share it, as on a real terminal). */
  readonly transcript: string;
}

/**
 * Runs the binary under a pseudo-terminal (Python's pty module, standard on every Unix), so it
 * sees a real terminal on stdin, stdout and stderr, and plays `steps` like a person typing.
 */
export function runInTerminal(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  steps: readonly PtyStep[],
): PtyResult {
  const script = join(HERE, 'test-pty.py');
  const result = spawnSync('python3', [script], {
    input: JSON.stringify({ argv: [process.execPath, BIN, ...args], env, steps }),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`test-pty.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as PtyResult;
}

/** A running `iron-secrets` process whose output is collected line by line. */
export interface RunningCli {
  readonly child: import('node:child_process').ChildProcessWithoutNullStreams;
  /** Every line so far, stdout and stderr interleaved as they arrived. */
  readonly lines: string[];
  /** Everything written to stdout so far, as bytes. */
  stdout(): Buffer;
  /** Resolves with the first line (already seen or to come) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The exit code (or 128 + signal). */
  readonly exited: Promise<number>;
}

/** Starts `iron-secrets ...args` in the background with exactly `env`. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stdout: Buffer[] = [];
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const collect = (stream: NodeJS.ReadableStream, keep?: Buffer[]) => {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      keep?.push(chunk);
      partial += chunk.toString('utf8');
      const complete = partial.split('\n');
      partial = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        for (const wait of waiting.splice(0)) {
          if (wait.pattern.test(line)) wait.resolve(line);
          else waiting.push(wait);
        }
      }
    });
  };
  collect(child.stdout, stdout);
  collect(child.stderr);
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? osConstants.signals[signal] : 0))),
  );
  return {
    child,
    lines,
    stdout: () => Buffer.concat(stdout),
    exited,
    waitFor(pattern, timeoutMs = 15_000) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no line matching ${pattern} within ${timeoutMs} ms; got:\n${lines.join('\n')}`),
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
