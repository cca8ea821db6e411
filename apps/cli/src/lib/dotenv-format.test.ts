import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.js';
import { formatDotenvLine, unwritableReason } from './dotenv-format.js';

describe('formatDotenvLine', () => {
  it('single-quotes what it can, double-quotes a value with a quote and nothing a shell reads there', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...}, which must stay unexpanded
    expect(formatDotenvLine('A', 'plain $HOME ${X} "q" # c')).toBe(`A='plain $HOME \${X} "q" # c'`);
    expect(formatDotenvLine('A', "it's")).toBe(`A="it's"`);
    // Newlines stay literal (a shell could not read `\n` back as one).
    expect(formatDotenvLine('A', 'line1\nline2\\$x"')).toBe(`A='line1\nline2\\$x"'`);
  });

  it('refuses, naming the secret and saying why, what no quoting writes for every reader', () => {
    expect(() => formatDotenvLine('DB_PASSWORD', 'it\'s\n\\$x"`')).toThrow(
      'the value of DB_PASSWORD cannot be written as dotenv that dotenv, `import` and a shell all read the same: it holds a single quote together with one of \\ " $ `',
    );
    expect(unwritableReason('a\rb')).toBe('holds a carriage return');
    expect(unwritableReason('C:\\dir\\')).toBe('ends with a backslash');
  });

  it('round-trips any value it writes through the parser (property)', () => {
    const value = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 200 })
      .filter((v) => !v.includes('\0') && unwritableReason(v) === undefined);
    fc.assert(
      fc.property(value, (v) => {
        const [entry] = parseDotenv(`${formatDotenvLine('NAME', v)}\n`);
        expect(entry).toEqual({ name: 'NAME', value: v, line: 1 });
      }),
      { numRuns: 2000 },
    );
  });
});
