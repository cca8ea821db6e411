/**
 * @module measure
 * One measured operation: a fixed number of iterations through tinybench, reported as latency
 * percentiles in milliseconds.
 */
import { Bench } from 'tinybench';
import { summarize } from './percentiles.js';

/** A row of the report. */
export interface Measurement {
  readonly name: string;
  readonly iterations: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly mean: number;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  readonly iterations: number;
  /** Runs before each iteration, outside the timed section. */
  readonly beforeEach?: () => Promise<void> | void;
  /** Untimed calls first; default {@link WARMUP_ITERATIONS} (fewer for iterations of a second). */
  readonly warmupIterations?: number;
}

/** Untimed calls before the measured ones: JIT, SQLite's statement cache, the thread pool. */
export const WARMUP_ITERATIONS = 10;

/**
 * Runs `fn` exactly `iterations` times (after up to {@link WARMUP_ITERATIONS} untimed ones) and
 * returns its latency percentiles. The count is fixed rather than time-boxed, as the spec's NFRs
 * name counts: with `time: 0`, tinybench stops at the iteration count.
 */
export async function measure(
  name: string,
  fn: () => unknown,
  options: MeasureOptions,
): Promise<Measurement> {
  const bench = new Bench({
    iterations: options.iterations,
    time: 0,
    warmupIterations: options.warmupIterations ?? Math.min(WARMUP_ITERATIONS, options.iterations),
    warmupTime: 0,
    throws: true,
  });
  bench.add(
    name,
    async () => {
      await fn();
    },
    // `async: true` spares tinybench its detection call, which would run `fn` once more, untimed:
    // a benchmark that consumes something per call (delete) must know exactly how many calls run.
    {
      async: true,
      retainSamples: true,
      ...(options.beforeEach ? { beforeEach: options.beforeEach } : {}),
    },
  );
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result?.state !== 'completed') throw new Error(`benchmark '${name}' did not complete`);
  const samples = result.latency.samples;
  if (samples === undefined || samples.length !== options.iterations) {
    throw new Error(`benchmark '${name}' ran ${samples?.length ?? 0} times, not ${options.iterations}`);
  }
  const { p50, p99, p999, mean } = summarize(samples);
  return { name, iterations: samples.length, p50, p99, p999, mean };
}

/** Wall time of one call, in milliseconds. */
export async function wallTime(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
