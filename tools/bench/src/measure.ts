/**
 * @module measure
 * One measured operation: a fixed number of iterations through tinybench, reported as latency
 * percentiles in milliseconds.
 */
import { Bench } from 'tinybench';

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
}

/**
 * Runs `fn` exactly `iterations` times (after a short warm-up) and returns its latency
 * percentiles. The count is fixed rather than time-boxed, as the spec's NFRs name counts.
 */
export async function measure(
  name: string,
  fn: () => unknown,
  options: MeasureOptions,
): Promise<Measurement> {
  const bench = new Bench({
    iterations: options.iterations,
    time: 0,
    warmupIterations: Math.min(10, options.iterations),
    warmupTime: 0,
    throws: true,
  });
  bench.add(
    name,
    async () => {
      await fn();
    },
    options.beforeEach ? { beforeEach: options.beforeEach } : {},
  );
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result?.state !== 'completed') throw new Error(`benchmark '${name}' did not complete`);
  const { latency } = result;
  return {
    name,
    iterations: options.iterations,
    p50: latency.p50,
    p99: latency.p99,
    p999: latency.p999,
    mean: latency.mean,
  };
}

/** Wall time of one call, in milliseconds. */
export async function wallTime(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
