/**
 * @module crash-protocol
 * What the crash writer and its test agree on: the secrets it writes and the value of each write.
 */

/** The secrets the writer creates, updates and deletes. */
export const CRASH_NAMES: readonly string[] = Array.from({ length: 20 }, (_, i) => `CRASH_${i}`);

/** The value operation `i` of run `run` writes: known to both sides, never sent between them. */
export function crashValue(run: string, i: number): string {
  return `LEAKSCAN-crash-${run}-${i}`;
}
