/**
 * @module percentiles
 * Latency percentiles of a set of samples, computed here rather than taken from tinybench, so that
 * the report's definition is fixed and stated: nearest rank, never interpolated.
 *
 * Nearest rank means a percentile is always a latency that was actually observed, and that with
 * fewer than 1000 samples p99.9 is the slowest sample: the spec's targets are upper bounds, and an
 * interpolated p99.9 of 100 samples would report a latency that never happened and flatter the run.
 */

/** The summary of one measured operation, in the samples' unit (milliseconds here). */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly mean: number;
}

/**
 * The nearest-rank percentile of samples sorted in ascending order: the smallest sample that at
 * least `fraction` of all samples are less than or equal to.
 *
 * @param sorted Samples in ascending order; at least one.
 * @param fraction Between 0 (exclusive) and 1 (inclusive): 0.99 for p99.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 0.5); // 2
 * percentile([1, 2, 3, 4], 0.99); // 4
 * ```
 */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) throw new RangeError('a percentile needs at least one sample');
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError('the fraction must be in (0, 1]');
  // The rank is 1-based: ceil(fraction × n). The small epsilon keeps 0.99 × 100 (which floating
  // point computes as 99.00000000000001) at rank 99 instead of 100.
  const rank = Math.ceil(fraction * sorted.length - 1e-9);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/**
 * p50, p99, p99.9 (nearest rank) and the mean of `samples`, which need not be sorted.
 *
 * @example
 * ```ts
 * summarize([3, 1, 2]); // { count: 3, p50: 2, p99: 3, p999: 3, mean: 2 }
 * ```
 */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    mean,
  };
}
