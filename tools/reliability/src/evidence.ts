/**
 * @module evidence
 * What the leak scan searches, and what it searches for. Every test of the suite registers the
 * secrets it handles (values, master keys, tokens) as needles, and keeps what an attacker or an
 * operator could later read (database files and their WAL, logs, captured stdout and stderr, HTTP
 * error bodies, process command lines) as evidence. After the whole suite, the global teardown
 * (leak-scan.global.ts) searches every piece of evidence for every needle: zero hits expected.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where evidence is kept during a run (emptied at the start of each run). */
export const EVIDENCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '.evidence');
const NEEDLES_FILE = join(EVIDENCE_DIR, 'needles.txt');

function ensure(): void {
  mkdirSync(join(EVIDENCE_DIR, 'files'), { recursive: true });
}

/** Registers secrets the scan must never find (one per line; at least 12 characters each). */
export function needle(...secrets: string[]): void {
  ensure();
  for (const secret of secrets) {
    if (secret.length < 12 || secret.includes('\n')) {
      throw new Error(
        'a needle must be at least 12 characters on one line, to be searched for without false hits',
      );
    }
    appendFileSync(NEEDLES_FILE, `${secret}\n`);
  }
}

/** A value for a test: unique, marked, and registered as a needle. */
export function secretValue(label = 'value'): string {
  const value = `LEAKSCAN-${label}-${randomBytes(9).toString('base64url')}`;
  needle(value);
  return value;
}

/** Keeps text an operator or attacker could read (a log, captured output, an error body). */
export function keepText(label: string, text: string | Buffer): void {
  ensure();
  writeFileSync(join(EVIDENCE_DIR, 'files', `${safe(label)}-${randomBytes(4).toString('hex')}.txt`), text);
}

/**
 * Keeps a SQLite database with its WAL and shared-memory files, as they are now (call it while
 * the database is still open, so that the WAL still holds recent writes, and again after).
 */
export function keepDatabase(label: string, path: string): void {
  ensure();
  const stamp = randomBytes(4).toString('hex');
  for (const file of readdirSync(dirname(path))) {
    if (!file.startsWith(basename(path))) continue;
    const from = join(dirname(path), file);
    if (existsSync(from)) copyFileSync(from, join(EVIDENCE_DIR, 'files', `${safe(label)}-${stamp}-${file}`));
  }
}

function safe(label: string): string {
  return label.replace(/[^a-z0-9-]+/gi, '-').slice(0, 60);
}

/** Whether long variants run (`IRON_LONG_TESTS=1`, or `pnpm test:long`). */
export const LONG = process.env.IRON_LONG_TESTS === '1';

/** `short` in CI, `long` with IRON_LONG_TESTS=1. */
export function scaled(short: number, long: number): number {
  return LONG ? long : short;
}
