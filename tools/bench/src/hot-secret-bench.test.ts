import { describe, expect, it } from 'vitest';
import { type HotSecretRun, hotSecretSection } from './hot-secret-bench.js';

const run = (overrides: Partial<HotSecretRun>): HotSecretRun => ({
  backend: 'SQLite file',
  seconds: 30,
  singlePerSecond: 200,
  concurrentPerSecond: 190,
  attempted: 5700,
  failed: 0,
  failures: {},
  latency: { count: 5700, p50: 30, p99: 100, p999: 120, mean: 35 },
  consistent: true,
  ...overrides,
});

describe('the contention section of the report', () => {
  it('shows throughput against one writer, and failures by code, plainly', () => {
    const section = hotSecretSection({
      runs: [
        run({}),
        run({
          backend: 'PostgreSQL',
          failed: 3,
          failures: { CONCURRENT_MODIFICATION: 3 },
          consistent: false,
        }),
      ],
      skipped: [],
    });
    expect(section).toContain(
      '| SQLite file | 30 s | 200 | 190 | 0.95x | 5700 | 0 (0.00 %) | 30.0 | 100.0 | yes |',
    );
    expect(section).toContain('3 (0.05 %): CONCURRENT_MODIFICATION 3');
    expect(section).toContain('| **NO** |');
  });

  it('says what was not measured', () => {
    const section = hotSecretSection({ runs: [run({})], skipped: ['PostgreSQL is not reachable (refused)'] });
    expect(section).toContain('- Not measured: PostgreSQL is not reachable (refused).');
  });
});
