/**
 * @module format
 * How times and JSON look in the CLI's output.
 */
import { isoSeconds } from '@iron/secrets-core';
import type { Io } from './io.js';

/** A time in a table: ISO 8601 UTC to the second, as in JSON; `-` for none. */
export function formatTime(date: Date | null): string {
  return isoSeconds(date) ?? '-';
}

/** Prints `data` as indented JSON on stdout: the whole result of a `--json` command. */
export function printJson(io: Io, data: unknown): void {
  io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}
