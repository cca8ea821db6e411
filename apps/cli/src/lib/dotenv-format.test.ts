import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.js';
import { formatDotenvLine } from './dotenv-format.js';

describe('formatDotenvLine', () => {
  it('single-quotes what it can, double-quotes and escapes the rest', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...}, which must stay unexpanded
    expect(formatDotenvLine('A', 'plain $HOME ${X} "q" # c')).toBe(`A='plain $HOME \${X} "q" # c'`);
    expect(formatDotenvLine('A', "it's")).toBe(`A="it's"`);
    // Newlines stay literal (a shell could not read `\n` back as one); CRLF is covered in
    // dotenv-format-shells.test.ts.
    expect(formatDotenvLine('A', 'line1\nline2\r\\$x"')).toBe(`A='line1\nline2\r\\$x"'`);
    expect(formatDotenvLine('A', 'it\'s\n\\$x"`')).toBe('A="it\'s\n\\\\\\$x\\"\\`"');
  });

  it('round-trips any value through the parser (property)', () => {
    const value = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 200 })
      .filter((v) => !v.includes('\0'));
    fc.assert(
      fc.property(value, (v) => {
        const [entry] = parseDotenv(`${formatDotenvLine('NAME', v)}\n`);
        expect(entry).toEqual({ name: 'NAME', value: v, line: 1 });
      }),
      { numRuns: 2000 },
    );
  });
});
