/**
 * @module runtime-bench
 * The runtime injector: how long `iron-secrets run` takes to get an agent going with 1, 10 and 50
 * secrets (embedded source, cold: every key derived, in parallel), next to starting the same
 * command directly in the same run. (The redactor has a module of its own: redaction-bench.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@iron/secrets-api';
import { SecretsManager } from '@iron/secrets-core';
import type { Measurement } from './measure.js';
import { summarize } from './percentiles.js';
import { seedDatabase } from './seed-database.js';

const BIN = fileURLToPath(new URL('../../../apps/cli/bin/iron-secrets.js', import.meta.url));

/** The agent: a shell printing the time in ms, its first instruction after exec. */
const FIRST_INSTRUCTION = ['sh', '-c', 'date +%s%3N'];

/** Secret counts of the start-up rows. */
export const SECRET_COUNTS = [1, 10, 50] as const;

export interface RuntimeResults {
  /** Spawn to the agent's first instruction, the command started directly. */
  readonly direct: Measurement;
  /** The same through `iron-secrets run`, by number of secrets: the embedded source... */
  readonly run: readonly Measurement[];
  /** ...and the remote source (`--server`, an agent token, the API in this process). */
  readonly remote: readonly Measurement[];
}

export async function runtimeBenchmarks(scale: number): Promise<RuntimeResults> {
  const directory = mkdtempSync(join(tmpdir(), 'iron-bench-run-'));
  try {
    const iterations = Math.max(3, Math.round(10 / scale));
    const direct = await sampled('sh -c "date" started directly (baseline)', iterations, () =>
      toFirstInstruction(FIRST_INSTRUCTION, process.env),
    );
    const run: Measurement[] = [];
    const remote: Measurement[] = [];
    for (const count of SECRET_COUNTS) {
      const database = join(directory, `run-${count}.db`);
      const masterKey = await seedDatabase(database, 'production', count);
      const label = `${count} secret${count === 1 ? '' : 's'}`;
      const env = { ...process.env, IRON_CAGE_MASTER_KEY: masterKey, IRON_SECRETS_DB: database };
      run.push(
        await sampled(`iron-secrets run, ${label}`, iterations, () =>
          toFirstInstruction(
            [process.execPath, BIN, 'run', '--env', 'production', '--', ...FIRST_INSTRUCTION],
            env,
          ),
        ),
      );
      // The remote source: the agent's machine has only the server's URL and an agent token.
      const manager = await SecretsManager.open({ database, masterKey });
      const { token } = await manager.createToken({ role: 'agent', environments: ['production'] });
      const server = await startServer({ manager, port: 0 });
      const remoteEnv = { ...process.env, IRON_SECRETS_TOKEN: token };
      try {
        remote.push(
          await sampled(`iron-secrets run --server, ${label}`, iterations, () =>
            toFirstInstruction(
              [
                process.execPath,
                BIN,
                'run',
                '--server',
                server.url,
                '--env',
                'production',
                '--',
                ...FIRST_INSTRUCTION,
              ],
              remoteEnv,
            ),
          ),
        );
      } finally {
        await server.close();
        await manager.close();
      }
    }
    return { direct, run, remote };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** `iterations` samples of `sample()` (after one untimed run), as a measurement. */
async function sampled(
  name: string,
  iterations: number,
  sample: () => Promise<number>,
): Promise<Measurement> {
  await sample();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i += 1) samples.push(await sample());
  return { name, iterations, ...summarize(samples) };
}

/**
 * Milliseconds from spawning `argv` to the time its agent printed (its first instruction).
 * Asynchronous: the API of the remote rows runs in this process and must keep answering.
 */
function toFirstInstruction(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const printed = Number(stdout.trim());
      if (code !== 0 || !Number.isFinite(printed)) reject(new Error(`${argv.join(' ')} failed: ${stderr}`));
      else resolve(printed - started);
    });
  });
}
