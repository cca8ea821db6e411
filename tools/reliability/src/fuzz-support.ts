/**
 * @module fuzz-support
 * What the hostile-input fuzz tests share: throw-away directories, a deadline for each case, and
 * the checks every answer must pass (no stack trace, no internal path, no secret value).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';

/** A directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `iron-fuzz-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `promise`, or a rejection naming `what` when it takes longer than `ms` (a hang). */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Signs of a stack trace or of the code's layout leaking into text meant for a client. */
const INTERNAL_MARKERS: readonly RegExp[] = [
  /\n\s+at /, // a stack frame
  /^\s+at .+\(.+:\d+:\d+\)/m,
  /\/src\//,
  /\.[cm]?[jt]s:\d+/,
  /node_modules/,
  /file:\/\//,
];

/** The first internal marker `text` contains, or undefined. */
export function internalMarker(text: string): string | undefined {
  return INTERNAL_MARKERS.find((marker) => marker.test(text))?.source;
}

/** The first of `values` that `text` contains, or undefined. */
export function leakedValue(text: string, values: Iterable<string>): string | undefined {
  for (const value of values) if (value.length > 0 && text.includes(value)) return value;
  return undefined;
}

/** A short description of `text` for a failure message (never the whole of a huge input). */
export function preview(text: string, max = 300): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}...(${text.length} chars)` : text);
}

/** Strings from every corner of Unicode, control characters and lone surrogates included. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '../..',
    '%2e%2e',
    '%00',
    '\u0000',
    '\ud800',
    '\udfff',
    '\u202e',
    '\ufeff',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    `$${'{HOME}'}`,
    '$(id)',
    '`id`',
    "' OR 1=1 --",
    '"; DROP TABLE secrets; --',
    '%s%s%s%n',
    'A'.repeat(257),
    'A'.repeat(4096),
    '\n\r\t',
    'é',
    '日本語',
    '🔑',
  ),
);
