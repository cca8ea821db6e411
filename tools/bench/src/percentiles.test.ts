import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './percentiles.js';

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
  it('is a sample that was observed, never an interpolation', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([10, 20], 0.75)).toBe(20);
  });

  it('gives rank ceil(q × n): p99 of 100 samples is the 99th, of 1000 the 990th', () => {
    expect(percentile(oneToN(100), 0.99)).toBe(99);
    expect(percentile(oneToN(1000), 0.99)).toBe(990);
    expect(percentile(oneToN(1000), 0.999)).toBe(999);
  });

  it('is the slowest sample when there are too few samples for that percentile', () => {
    expect(percentile(oneToN(100), 0.999)).toBe(100);
    expect(percentile([7], 0.5)).toBe(7);
  });

  it('refuses no samples and fractions outside (0, 1]', () => {
    expect(() => percentile([], 0.5)).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts a copy and reports count, p50, p99, p99.9 and the mean', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(summarize(samples)).toEqual({ count: 5, p50: 3, p99: 5, p999: 5, mean: 3 });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });
});
