/**
 * @module redaction-bench
 * The redactor, measured against baselines in the same run: throughput on agent-like output with
 * 50 values (a plain pass-through stream; today's exact-only redactor; the pre-derived-forms
 * redactor kept in legacy-redactor.ts; every derived form), and the dictionary's memory for 50
 * values of 4 KiB with every derived form (limit: 64 MB), next to the old per-byte trie.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, pipeline, Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RedactionDictionary, RedactionScanner } from '@iron/secrets-core';
import { redactingStream } from '@iron/secrets-runtime';
import { LegacyRedactor } from './legacy-redactor.js';

/** Bytes of agent output pushed through each stream. */
export const REDACTED_BYTES = 100 * 1024 * 1024;
/** Rounds of each throughput row (each a share of the bytes); the best is reported. */
const THROUGHPUT_ROUNDS = 3;
/** Values in the dictionary for the throughput rows. */
export const REDACTED_SECRETS = 50;
/** The memory row: values and their size. */
export const MEMORY_VALUES = 50;
export const MEMORY_VALUE_BYTES = 4096;
/** The issue's limit for the memory row. */
export const MEMORY_LIMIT_MB = 64;

export interface RedactionResults {
  readonly megabytes: number;
  /** MB/s, same data, same run. */
  readonly passThroughMBps: number;
  readonly legacyExactMBps: number;
  readonly exactMBps: number;
  readonly derivedMBps: number;
  /** Patterns (values and derived forms) of the throughput dictionary. */
  readonly derivedPatterns: number;
  /** Heap growth, MB, for {@link MEMORY_VALUES} values of {@link MEMORY_VALUE_BYTES} bytes. */
  readonly derivedMemoryMB: number;
  readonly legacyMemoryMB: number;
  readonly memoryPatterns: number;
  /** Milliseconds to redact a {@link BYTE_AT_A_TIME_BYTES} value written one byte per write. */
  readonly byteAtATimeMs: number;
  readonly legacyByteAtATimeMs: number;
}

/** The value written a byte at a time (the old redactor rescanned its held tail at every byte). */
export const BYTE_AT_A_TIME_BYTES = 16 * 1024;

const EXACT = { forms: (value: string) => [value] };

export async function redactionBenchmarks(scale: number): Promise<RedactionResults> {
  const megabytes = Math.max(1, Math.round(REDACTED_BYTES / scale / 1048576));
  // Values like API keys and passwords: mixed case, digits, punctuation that encoders escape.
  const values = Array.from(
    { length: REDACTED_SECRETS },
    (_, i) => `sk-${randomBytes(24).toString('base64')}"/${i}é`,
  );
  const chunk = agentOutput(values);
  const exact = new RedactionDictionary(EXACT);
  exact.add(values);
  const derived = new RedactionDictionary();
  derived.add(values);
  const streams = {
    passThrough: () => new PassThrough(),
    legacy: () => redactingStream(new LegacyRedactor(values)),
    exact: () => redactingStream(new RedactionScanner(exact)),
    derived: () => redactingStream(new RedactionScanner(derived)),
  };
  // Rounds interleaved, best of each kept: on a shared machine a neighbour's burst, or the JIT
  // warming up, would otherwise decide which variant looks faster.
  const best = { passThrough: 0, legacy: 0, exact: 0, derived: 0 };
  for (let round = 0; round < THROUGHPUT_ROUNDS; round += 1) {
    for (const [name, make] of Object.entries(streams) as [
      keyof typeof best,
      () => NodeJS.ReadWriteStream,
    ][]) {
      best[name] = Math.max(best[name], await throughput(megabytes / THROUGHPUT_ROUNDS, chunk, make));
    }
  }
  const {
    passThrough: passThroughMBps,
    legacy: legacyExactMBps,
    exact: exactMBps,
    derived: derivedMBps,
  } = best;

  const big = Array.from({ length: MEMORY_VALUES }, () => randomValue(MEMORY_VALUE_BYTES));
  let memoryPatterns = 0;
  const derivedMemoryMB = heapGrowthMB(() => {
    const dictionary = new RedactionDictionary();
    dictionary.add(big);
    memoryPatterns = dictionary.patterns;
    return dictionary;
  });
  const legacyMemoryMB = heapGrowthMB(() => new LegacyRedactor(big));

  const long = randomValue(BYTE_AT_A_TIME_BYTES);
  const longDictionary = new RedactionDictionary();
  longDictionary.add([long]);
  const byteAtATimeMs = byteAtATime(long, new RedactionScanner(longDictionary));
  const legacyByteAtATimeMs = byteAtATime(long, new LegacyRedactor([long]));
  return {
    byteAtATimeMs,
    legacyByteAtATimeMs,
    megabytes,
    passThroughMBps,
    legacyExactMBps,
    exactMBps,
    derivedMBps,
    derivedPatterns: derived.patterns,
    derivedMemoryMB,
    legacyMemoryMB,
    memoryPatterns,
  };
}

/** Milliseconds to push `value` through `redactor` one byte per write. */
function byteAtATime(value: string, redactor: { write(chunk: Uint8Array): Buffer; end(): Buffer }): number {
  const bytes = Buffer.from(value);
  const started = performance.now();
  for (let i = 0; i < bytes.length; i += 1) redactor.write(bytes.subarray(i, i + 1));
  redactor.end();
  return performance.now() - started;
}

/** A random value of `bytes` printable characters, with what encoders escape. */
function randomValue(bytes: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_."\\ :';
  return Array.from(randomBytes(bytes), (byte) => alphabet[byte % alphabet.length]).join('');
}

/**
 * 64 KiB of agent-like log lines, one in 50 carrying a value (raw, in JSON, or base64 in a header),
 * so the rows measure matching too, not only the search.
 */
function agentOutput(values: readonly string[]): Buffer {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < 64 * 1024; i += 1) {
    const value = values[i % values.length]!;
    const kinds = [
      `[agent] lead ${i} processed: status ok, score 0.87, next batch queued`,
      `[agent] calling api with key=${value}`,
      `[agent] request {"Authorization": ${JSON.stringify(`Basic ${Buffer.from(`user:${value}`).toString('base64')}`)}}`,
    ];
    const line = `${i % 50 === 25 ? kinds[1 + ((i / 50) % 2)]! : kinds[0]!}\n`;
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  return Buffer.from(lines.join('')).subarray(0, 64 * 1024);
}

/** MB/s of `megabytes` of `chunk` repeated through the stream `make()` returns, into a discarding sink. */
async function throughput(
  megabytes: number,
  chunk: Buffer,
  make: () => NodeJS.ReadWriteStream,
): Promise<number> {
  const chunks = Math.max(1, Math.round((megabytes * 1048576) / chunk.length));
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

/** Heap growth (MB) while what `build()` returns is alive, after full collections on both sides. */
function heapGrowthMB(build: () => unknown): number {
  const collect = garbageCollector();
  collect();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const kept = build();
  collect();
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  // Read after measuring, so the structure cannot be collected before `after`.
  if (kept === undefined) throw new Error('unreachable');
  return (after - before) / 1048576;
}

function garbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
