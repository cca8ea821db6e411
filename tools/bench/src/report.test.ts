import { describe, expect, it } from 'vitest';
import { markdownReport } from './report.js';

const row = (name: string, p99: number) => ({
  name,
  iterations: 10,
  p50: p99 / 2,
  p99,
  p999: p99,
  mean: p99 / 2,
});

describe('the benchmark report', () => {
  it('puts each p99 next to its target, honestly', () => {
    const report = markdownReport(
      {
        argon2: '@node-rs/argon2',
        quick: false,
        crypto: {
          aes: [row('encrypt 1 KiB', 0.01)],
          kdf: [row('@node-rs/argon2 (hashRaw)', 20), row('deriveKey (ours)', 21)],
          missing: [],
          parallel: { batch: 50, wallMs: 500, sequentialEstimateMs: 1000 },
        },
        crud: {
          excludingCrypto: [row('get (warm key cache)', 0.2), row('list 100 (warm key cache)', 12)],
          includingCrypto: [],
        },
        file: { get: row('get', 2), bareInsert: row('insert', 1) },
      },
      new Date('2026-11-23T00:00:00Z'),
    );
    expect(report).toContain('| encrypt 1 KiB | 10 | 0.0050 | 0.0100 |');
    expect(report).toMatch(/deriveKey \(ours\).*< 10 ms \| MISS/);
    expect(report).toMatch(/get \(warm key cache\).*< 5 ms \| PASS/);
    expect(report).toMatch(/list 100 \(warm key cache\).*< 10 ms \| MISS/);
    expect(report).toContain('2.00x: derivations run on the thread pool');
  });
});
