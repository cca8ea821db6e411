/**
 * Hostile `.env` files against the import parser: arbitrary text, and a corpus built to make a
 * backtracking parser blow up (long runs of quotes, backslashes, `=`, `#`, newlines, `export `).
 * The parser returns entries or throws its own DotenvSyntaxError, whose message never repeats a
 * value; it never throws anything else and never takes long. Valid files round-trip through
 * `importSecrets`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DotenvSyntaxError, parseDotenv } from '@iron/secrets-cli/dotenv';
import { SecretsManager } from '@iron/secrets-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepDatabase, keepText, needle, scaled, secretValue } from './evidence.js';
import { preview, tempDir } from './fuzz-support.js';

const PARSER_CASES = scaled(100, 1000);
const BACKTRACKING_CASES = scaled(50, 500);
const ROUND_TRIP_CASES = scaled(50, 500);

/** Parses, and returns the error when it throws; fails on anything but a DotenvSyntaxError. */
function parse(text: string): { entries?: ReturnType<typeof parseDotenv>; error?: DotenvSyntaxError } {
  try {
    return { entries: parseDotenv(text) };
  } catch (error) {
    if (error instanceof DotenvSyntaxError) return { error };
    throw new Error(`parseDotenv(${preview(text)}) threw ${String(error)}`);
  }
}

/** A marker no generator produces, placed after every `=` so that echoed values are recognisable. */
const CANARY = `CANARY${randomBytes(6).toString('hex')}`;

const pieces = fc.constantFrom(
  '"',
  "'",
  '`',
  '\\',
  '=',
  '#',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  'export ',
  'export',
  'A',
  'NAME_1',
  '$',
  `$${'{X}'}`,
  '\ufeff',
  '\u0000',
  '\ud800',
);

const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(pieces, { maxLength: 200 }).map((parts) => parts.join('')),
  fc.array(fc.oneof(pieces, fc.string({ maxLength: 8 })), { maxLength: 80 }).map((parts) => parts.join('')),
);

describe('the .env parser under hostile input', () => {
  it(`${PARSER_CASES} generated files: entries or a DotenvSyntaxError, never another error, never a value in the message`, () => {
    fc.assert(
      fc.property(text, (raw) => {
        // Whatever follows an `=` is potentially a value: mark it so an echo can be seen.
        const input = raw.replaceAll('=', `=${CANARY}`);
        const result = parse(input);
        if (result.error) {
          expect(result.error.message, preview(input)).not.toContain(CANARY);
          expect(result.error.line).toBeGreaterThanOrEqual(0);
        } else {
          for (const entry of result.entries ?? []) {
            expect(entry.name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
            expect(entry.line).toBeGreaterThanOrEqual(1);
          }
        }
      }),
      { numRuns: PARSER_CASES },
    );
  });

  it(`${BACKTRACKING_CASES} generated pathological files of up to 2 MB: each parsed in under a second`, () => {
    const run = fc.tuple(
      fc.constantFrom(
        '"',
        "'",
        '`',
        '\\',
        '=',
        '#',
        '\n',
        'export ',
        'A=',
        'A="',
        "A='",
        'A="\\',
        ' #',
        'A= \t',
        'A=x #',
        'export export ',
        '\\"',
        '\r\n',
      ),
      fc.integer({ min: 1, max: 200_000 }),
    );
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 4 }), (runs) => {
        const input = runs.map(([piece, count]) => piece.repeat(Math.ceil(count / piece.length))).join('');
        const started = performance.now();
        parse(input);
        const elapsed = performance.now() - started;
        expect(
          elapsed,
          `${elapsed.toFixed(0)} ms for ${runs.map(([p, n]) => `${JSON.stringify(p)}x${n}`).join(' + ')}`,
        ).toBeLessThan(1_000);
      }),
      { numRuns: BACKTRACKING_CASES },
    );
  });
});

describe('.env files round-trip through importSecrets', () => {
  let manager: SecretsManager;
  let database: string;
  let remove: () => void;

  beforeAll(async () => {
    const temp = tempDir('dotenv');
    remove = temp.remove;
    database = join(temp.dir, 'secrets.db');
    const masterKey = randomBytes(32).toString('base64');
    needle(masterKey);
    manager = await SecretsManager.open({ database, masterKey, keyCacheSize: 0 });
  });

  afterAll(async () => {
    if (manager !== undefined) {
      keepDatabase('fuzz-dotenv-db', database);
      await manager.close();
    }
    remove?.();
  });

  /** A value as a file would hold it, and the value the parser should give back. */
  const quoting = fc.constantFrom('bare', 'single', 'double', 'backtick');
  const tail = fc.string({ unit: 'grapheme-ascii', maxLength: 20 });

  it(`${ROUND_TRIP_CASES} generated files: what is parsed is what is imported and read back`, async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,20}$/), { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(quoting, tail, fc.boolean()), { minLength: 5, maxLength: 5 }),
        async (names, shapes) => {
          file += 1;
          const environment = (['development', 'staging', 'production'] as const)[file % 3]!;
          const expected = new Map<string, string>();
          const lines = names.map((name, i) => {
            const [how, rawTail, exported] = shapes[i]!;
            const base = secretValue('dotenv');
            let line: string;
            let value: string;
            if (how === 'bare') {
              const t = rawTail.replace(/[#\s"'`\\]/g, '_');
              value = base + t;
              line = `${name}=${value}`;
            } else if (how === 'double') {
              const t = rawTail.replace(/["\\]/g, '_');
              value = `${base}${t}\n${t}`;
              line = `${name}="${base}${t}\\n${t}"`;
            } else {
              const quote = how === 'single' ? "'" : '`';
              // A backslash before the closing quote is refused (dotenv reads it as escaping the quote).
              const t = rawTail.replaceAll(quote, '_').replace(/\\$/, '_');
              value = `${base}\n${t}`;
              line = `${name}=${quote}${value}${quote}`;
            }
            expected.set(name, value);
            return `${exported ? 'export ' : ''}${line}  # comment`;
          });
          const content = `# generated\n${lines.join('\r\n')}\n`;
          const entries = parseDotenv(content);
          expect(new Map(entries.map((e) => [e.name, e.value]))).toEqual(expected);
          const result = await manager.importSecrets(entries, environment, { overwrite: true });
          expect([...result.created, ...result.updated].sort()).toEqual([...names].sort());
          for (const [name, value] of expected) {
            expect(await manager.getSecret(name, 'admin', { environment })).toBe(value);
          }
        },
      ),
      { numRuns: ROUND_TRIP_CASES },
    );
    keepText('fuzz-dotenv-audit', JSON.stringify(await manager.auditLog()));
    expect((await manager.verifyAuditLog()).ok).toBe(true);
  });
});
