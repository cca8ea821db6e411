/**
 * @module concurrency-protocol
 * What the concurrency test's processes agree on: whose secrets are whose, and their values.
 */

export const LIBRARY_NAMES: readonly string[] = ['LIB_0', 'LIB_1', 'LIB_2'];
export const API_NAMES: readonly string[] = ['API_0', 'API_1', 'API_2'];
export const CLI_NAMES: readonly string[] = ['CLI_0', 'CLI_1'];
/** What the injector's agents read: a fixed set, so that each run is a known number of reads. */
export const INJECTED_NAMES: readonly string[] = ['INJ_0', 'INJ_1', 'INJ_2'];

/** Write `i` of `writer` in run `run`. */
export function concurrencyValue(run: string, writer: string, i: number): string {
  return `LEAKSCAN-conc-${run}-${writer}-${i}`;
}
