/**
 * @module runtime-bench
 * The runtime injector: how long `iron-secrets run` takes to get an agent going with 1, 10 and 50
 * secrets (embedded source, cold: every key derived, in parallel), next to starting the same
 * command directly in the same run; and the redactor's throughput on 100 MB of output with 50
 * secrets, next to a plain pass-through stream in the same run.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, pipeline, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SecretRedactor } from '@iron/secrets-core';
import { redactingStream } from '@iron/secrets-runtime';
import type { Measurement } from './measure.js';
import { summarize } from './percentiles.js';
import { seedDatabase } from './seed-database.js';

const BIN = fileURLToPath(new URL('../../../apps/cli/bin/iron-secrets.js', import.meta.url));

/** The agent: a shell printing the time in ms, its first instruction after exec. */
const FIRST_INSTRUCTION = ['sh', '-c', 'date +%s%3N'];

/** Secret counts of the start-up rows. */
export const SECRET_COUNTS = [1, 10, 50] as const;

/** Bytes pushed through the redactor. */
export const REDACTED_BYTES = 100 * 1024 * 1024;
export const REDACTED_SECRETS = 50;

export interface RuntimeResults {
  /** Spawn to the agent's first instruction, the command started directly. */
  readonly direct: Measurement;
  /** The same through `iron-secrets run`, by number of secrets. */
  readonly run: readonly Measurement[];
  /** MB/s through `redactingStream` and through a PassThrough, same data, same run. */
  readonly redactorMBps: number;
  readonly passThroughMBps: number;
  readonly megabytes: number;
}

export async function runtimeBenchmarks(scale: number): Promise<RuntimeResults> {
  const directory = mkdtempSync(join(tmpdir(), 'iron-bench-run-'));
  try {
    const iterations = Math.max(3, Math.round(10 / scale));
    const direct = sampled('sh -c "date" started directly (baseline)', iterations, () =>
      toFirstInstruction(FIRST_INSTRUCTION, process.env),
    );
    const run: Measurement[] = [];
    for (const count of SECRET_COUNTS) {
      const database = join(directory, `run-${count}.db`);
      const masterKey = await seedDatabase(database, 'production', count);
      const env = { ...process.env, IRON_CAGE_MASTER_KEY: masterKey, IRON_SECRETS_DB: database };
      run.push(
        sampled(`iron-secrets run, ${count} secret${count === 1 ? '' : 's'}`, iterations, () =>
          toFirstInstruction(
            [process.execPath, BIN, 'run', '--env', 'production', '--', ...FIRST_INSTRUCTION],
            env,
          ),
        ),
      );
    }
    const megabytes = Math.max(1, Math.round(REDACTED_BYTES / scale / 1048576));
    const values = Array.from(
      { length: REDACTED_SECRETS },
      (_, i) => `sk-proj-${randomBytes(16).toString('hex')}-${i}`,
    );
    const passThroughMBps = await throughput(megabytes, () => new PassThrough());
    const redactorMBps = await throughput(megabytes, () => redactingStream(new SecretRedactor(values)));
    return { direct, run, redactorMBps, passThroughMBps, megabytes };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** `iterations` samples of `sample()` (after one untimed run), as a measurement. */
function sampled(name: string, iterations: number, sample: () => number): Measurement {
  sample();
  const samples = Array.from({ length: iterations }, sample);
  return { name, iterations, ...summarize(samples) };
}

/** Milliseconds from spawning `argv` to the time its agent printed (its first instruction). */
function toFirstInstruction(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const started = Date.now();
  const result = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  const printed = Number(result.stdout.trim());
  if (!Number.isFinite(printed)) throw new Error(`unexpected output: ${result.stdout}`);
  return printed - started;
}

/**
 * MB/s of `megabytes` of agent-like text (64 KiB chunks) through the stream `make()` returns,
 * into a sink that discards it.
 */
async function throughput(megabytes: number, make: () => NodeJS.ReadWriteStream): Promise<number> {
  const line = Buffer.from('[agent] lead 12345 processed: status ok, score 0.87, next batch queued\n');
  const chunk = Buffer.alloc(64 * 1024);
  for (let offset = 0; offset < chunk.length; offset += line.length) line.copy(chunk, offset);
  const chunks = Math.round((megabytes * 1048576) / chunk.length);
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < chunks; i += 1) yield chunk;
    })(),
  );
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const started = performance.now();
  await promisify(pipeline)(source, make(), sink);
  return (chunks * chunk.length) / 1048576 / ((performance.now() - started) / 1000);
}
