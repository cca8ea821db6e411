/**
 * Issue 15: every line `import` accepts is read exactly as the `dotenv` package's `parse` reads it,
 * and every name dotenv reads that `import` does not take is reported (a malformed line, or an
 * empty value), never silently dropped. Checked on a corpus of real-world shaped files
 * (fixtures/dotenv: Next.js, Rails, docker compose, Laravel, Django, CRLF, BOM, lone CR, multi-line
 * keys, inline comments, hostile lines), on generated files, and on what `export` writes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DotenvScan, scanDotenv } from './dotenv.js';
import { formatDotenvLine, unwritableReason } from './dotenv-format.js';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'dotenv');
const corpusFiles = readdirSync(CORPUS).filter((file) => file.endsWith('.env'));

/** The lines of `text` as both parsers see them (BOM dropped, CRLF and lone CR as line ends). */
function linesOf(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n?|\n/);
}

/**
 * What differs between our reading and dotenv's: a name we import with another value than
 * dotenv's (or that dotenv does not read at all), or a name dotenv reads that we neither import
 * nor report. Empty means the rule holds.
 */
function disagreements(text: string, scan: DotenvScan = scanDotenv(text)): string[] {
  const theirs = dotenv.parse(text);
  // An empty value is not imported: `import` skips it with a warning that names it.
  const ours = new Map(
    scan.entries.filter((entry) => entry.value !== '').map((entry) => [entry.name, entry]),
  );
  const empty = new Set(scan.entries.filter((entry) => entry.value === '').map((entry) => entry.name));
  const lines = linesOf(text);
  const problems: string[] = [];
  for (const [name, entry] of ours) {
    if (!Object.hasOwn(theirs, name)) problems.push(`${name} (line ${entry.line}): dotenv does not read it`);
    else if (theirs[name] !== entry.value)
      problems.push(
        `${name} (line ${entry.line}): ours ${JSON.stringify(entry.value)}, dotenv ${JSON.stringify(theirs[name])}`,
      );
  }
  for (const name of Object.keys(theirs)) {
    if (ours.has(name) || empty.has(name)) continue;
    const reported = scan.errors.some((error) =>
      lines.slice(error.line - 1, error.lastLine).some((line) => line.includes(name)),
    );
    if (!reported) problems.push(`${name}: dotenv reads it, we neither import nor report it`);
  }
  return problems;
}

describe('import reads the corpus as dotenv does, or reports what it does not take', () => {
  it('has the corpus', () => {
    expect(corpusFiles.length).toBeGreaterThanOrEqual(15);
  });

  it.each(corpusFiles)('%s', (file) => {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    expect(disagreements(text)).toEqual([]);
    // And it reads something: a corpus file we refuse whole would prove nothing.
    expect(scanDotenv(text).entries.length).toBeGreaterThan(0);
  });

  it('reads the real-world forms the way their authors meant', () => {
    const read = (file: string) =>
      Object.fromEntries(
        scanDotenv(readFileSync(join(CORPUS, file), 'utf8')).entries.map((entry) => [
          entry.name,
          entry.value,
        ]),
      );
    expect(read('nextjs.env')).toMatchObject({
      DATABASE_URL: 'postgresql://app:s3cr3t-p%40ss@localhost:5432/app?schema=public',
      STRIPE_SECRET_KEY: 'sk_test_51HqLyjWDarjtT1zdp7dcXeZ',
      ANALYZE: '',
    });
    expect(read('windows-crlf.env')).toMatchObject({ MULTI: 'line one\nline two', TRAILING: 'value' });
    expect(read('bom.env')).toMatchObject({ FIRST_AFTER_BOM: 'bom-value' });
    expect(read('multiline-pem.env').ESCAPED_PEM).toBe(
      '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUf\n-----END CERTIFICATE-----\n',
    );
    expect(read('quotes.env')).toMatchObject({ WINDOWS_PATH: 'C:\\Program Files\\App', CR_ESCAPE: 'a\rb' });
  });

  it('reports, and does not import, the lines dotenv reads differently from other readers', () => {
    const scan = scanDotenv(readFileSync(join(CORPUS, 'hostile.env'), 'utf8'));
    expect(scan.entries.map((entry) => entry.name)).toEqual(['OK_FIRST', 'OK_LAST', 'AFTER_LAST']);
    expect(scan.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^line 2: \\t in double quotes: dotenv keeps it as written/),
      expect.stringMatching(/^line 3: a backslash right before the closing quote/),
      expect.stringMatching(/^line 4: \\\\ in double quotes/),
      expect.stringMatching(/^line 5: \\\$ in double quotes/),
      // dotenv's value could run on to the next unescaped quote, on line 7: both are reported.
      expect.stringMatching(
        /^lines 6-7: a backslash right before the closing quote: dotenv reads \\' as part/,
      ),
      // The whole value is reported and skipped: SWALLOWED=inside is part of it for dotenv.
      expect.stringMatching(/^lines 8-10: \\t in double quotes/),
      'line 13: the quoted value starting here is never closed',
    ]);
    const inline = scanDotenv(readFileSync(join(CORPUS, 'inline-comments.env'), 'utf8'));
    expect(inline.errors.map((error) => error.line)).toEqual([3, 4, 5, 7]);
    expect(inline.errors[0]?.message).toContain('a # inside an unquoted value: dotenv ends the value there');
    const duplicates = scanDotenv(readFileSync(join(CORPUS, 'duplicates.env'), 'utf8'));
    expect(duplicates.entries.map((entry) => entry.name)).toEqual(['OTHER']);
    expect(duplicates.errors.map((error) => error.message)).toEqual([
      'line 2: API_URL is assigned again (first on line 1): dotenv takes the last value, other readers the first; keep one',
      'line 5: FEATURE_FLAG is assigned again (first on line 3): dotenv takes the last value, other readers the first; keep one',
    ]);
  });

  it('holds on generated files of quotes, escapes, comments and line ends (property)', () => {
    const piece = fc.constantFrom(
      'A',
      'B',
      'export ',
      '=',
      ' ',
      '\t',
      '\n',
      '\r\n',
      '\r',
      '#',
      "'",
      '"',
      '`',
      '\\',
      'n',
      'r',
      't',
      '$',
      'x',
      '\u00a0',
      'A=',
      'B="',
      "A='",
      'A=`',
    );
    const text = fc.array(piece, { maxLength: 40 }).map((pieces) => pieces.join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(disagreements(t)).toEqual([]);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('export writes what dotenv, import and a shell read the same, or refuses', () => {
  const hostile = [
    "it's",
    'say "hi"',
    '$HOME `id` $(id)',
    'a#b # c',
    '  padded\t',
    'line1\nline2\n',
    '\nleading newline',
    '-----BEGIN KEY-----\nAAAA\n-----END KEY-----\n',
    'C:\\new\\table',
    '\\n\\r literally',
    "it's # fine",
    'x\u00a0',
    '\u2028\u2029',
    '`backticks`',
    '"',
    "'",
  ];

  it.each(hostile)('%j', (value) => {
    const line = `${formatDotenvLine('NAME', value)}\n`;
    expect(dotenv.parse(line)).toEqual({ NAME: value });
    expect(scanDotenv(line)).toEqual({ entries: [{ name: 'NAME', value, line: 1 }], errors: [] });
  });

  it.each([
    ["it's $HOME", 'a single quote together with'],
    ['it\'s "quoted"', 'a single quote together with'],
    ["it's `id`", 'a single quote together with'],
    ["it's C:\\dir", 'a single quote together with'],
    ['line\r\n', 'a carriage return'],
    ['C:\\dir\\', 'ends with a backslash'],
  ])('refuses %j: it %s', (value, why) => {
    expect(() => formatDotenvLine('NAME', value)).toThrow(why);
  });

  it('every value: written and read back exactly by dotenv and import, or refused for a stated reason (property)', () => {
    const value = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 200 })
      .filter((v) => !v.includes('\0'));
    fc.assert(
      fc.property(value, fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }), (v, w) => {
        if (unwritableReason(v) !== undefined || unwritableReason(w) !== undefined) {
          expect(() => `${formatDotenvLine('A', v)}${formatDotenvLine('B', w)}`).toThrow();
          return;
        }
        // Two values in one file: one value must never change how the next is read.
        const text = `${formatDotenvLine('A', v)}\n${formatDotenvLine('B', w)}\n`;
        expect(dotenv.parse(text)).toEqual({ A: v, B: w });
        expect(scanDotenv(text).entries.map((entry) => entry.value)).toEqual([v, w]);
      }),
      { numRuns: 3000 },
    );
  });
});
