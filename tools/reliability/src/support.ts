/**
 * @module support
 * Shared by the suite's tests: built workers, managers on throw-away databases, processes.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freshDatabase, type TestBackend, type TestDatabase } from '@iron/secrets-storage/testing';
import { afterEach } from 'vitest';
import { keepText, needle } from './evidence.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** A worker script, built by `pnpm build` (the suite runs after it). */
export function worker(name: string): string {
  const path = join(HERE, '..', 'dist', 'workers', `${name}.js`);
  if (!existsSync(path))
    throw new Error(`${path} is missing: build first (pnpm build, or pnpm test which builds)`);
  return path;
}

/** The `iron-secrets` binary. */
export const CLI = join(HERE, '..', '..', '..', 'apps', 'cli', 'bin', 'iron-secrets.js');

/** A new master key, registered as a needle. */
export function masterKey(): string {
  const key = randomBytes(32).toString('base64');
  needle(key);
  return key;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Registers something to undo after the test. */
export function onCleanup(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** A fresh database on `backend`, dropped after the test. */
export async function database(backend: TestBackend): Promise<TestDatabase> {
  const db = await freshDatabase(backend);
  onCleanup(() => db.drop());
  return db;
}

/** A child process whose stdout arrives line by line. */
export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  /** Calls `onLine` for every line of stdout; resolves with the exit code or signal when it ends. */
  readonly ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderr: () => string;
}

/** Starts `node script` with `env`, feeding each stdout line to `onLine`; killed after the test. */
export function startNode(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void = () => {},
): Child {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  // What `ps` shows of it is evidence for the leak scan too.
  keepText('command-line', [process.execPath, ...args].join(' '));
  const errors: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
  child.on('close', () => keepText('stderr', Buffer.concat(errors)));
  createInterface({ input: child.stdout }).on('line', onLine);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, ended, stderr: () => Buffer.concat(errors).toString('utf8') };
}

/** A random whole number in [min, max]. */
export function between(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/** `iron-secrets serve` on a free port with `env`; resolves once it listens, with its URL. */
export async function startServe(env: NodeJS.ProcessEnv): Promise<{ child: Child; url: string }> {
  const child = startNode([CLI, 'serve', '--port', '0'], env);
  const url = await new Promise<string>((resolve) => {
    let said = '';
    child.process.stderr.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(said); // its start-up note
      if (match) resolve(match[1]!);
    });
  });
  return { child, url };
}
