/**
 * @module test-event-loop
 * Test helper (not built): measures how responsive the event loop stays while work runs.
 */

/** How often the probe timer asks to run. */
export const PROBE_INTERVAL_MS = 10;

/** What the probe saw while `work` ran. */
export interface EventLoopProbe<T> {
  readonly result: T;
  /** How many times the probe timer ran. */
  readonly ticks: number;
  /** The longest time between two runs of the probe timer (or the start and the first run). */
  readonly maxGapMs: number;
  /** How long `work` took. */
  readonly elapsedMs: number;
}

/**
 * The fewest probe ticks a responsive loop shows while `jobs` derivations run: a quarter of what
 * an idle loop would tick in that time, and at least two per job. A loop blocked by each
 * derivation ticks about once per job, far below both; a loop slowed only by a busy machine (other
 * test files run in parallel) stays well above them. Counting ticks, rather than timing a single
 * gap, keeps one scheduling hiccup from failing the test.
 *
 * @example
 * ```ts
 * expect(probe.ticks).toBeGreaterThanOrEqual(minimumResponsiveTicks(probe, 8));
 * ```
 */
export function minimumResponsiveTicks(probe: EventLoopProbe<unknown>, jobs: number): number {
  const idleTicks = probe.elapsedMs / PROBE_INTERVAL_MS;
  return Math.max(Math.floor(idleTicks / 4), 2 * jobs);
}

/**
 * Runs `work` while a timer ticks every {@link PROBE_INTERVAL_MS}; a blocked event loop shows up
 * as a long `maxGapMs` and few `ticks`.
 *
 * @example
 * ```ts
 * const probe = await probeEventLoop(() => Promise.all(jobs));
 * expect(probe.maxGapMs).toBeLessThan(100);
 * ```
 */
export async function probeEventLoop<T>(work: () => Promise<T>): Promise<EventLoopProbe<T>> {
  const start = performance.now();
  let last = start;
  let ticks = 0;
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    ticks++;
  }, PROBE_INTERVAL_MS);
  try {
    const result = await work();
    const end = performance.now();
    maxGapMs = Math.max(maxGapMs, end - last);
    return { result, ticks, maxGapMs, elapsedMs: end - start };
  } finally {
    clearInterval(timer);
  }
}
