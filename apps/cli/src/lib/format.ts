/**
 * @module format
 * How times and JSON look in the CLI's output.
 */
import type { Io } from './io.js';

/** A time as ISO 8601 UTC to the second, the same in tables and JSON. */
export function formatTime(date: Date | null): string {
  return date === null ? '-' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A time for JSON: ISO 8601 UTC, or null. */
export function jsonTime(date: Date | null): string | null {
  return date === null ? null : formatTime(date);
}

/** Prints `data` as indented JSON on stdout: the whole result of a `--json` command. */
export function printJson(io: Io, data: unknown): void {
  io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
}
