import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecretPattern, matchesSecretPattern } from './secret-pattern.js';

/** The obvious (but backtracking) definition, as the reference for the linear matcher. */
function reference(pattern: string, name: string): boolean {
  return new RegExp(`^${pattern.replaceAll('*', '.*')}$`).test(name);
}

describe('secret-name patterns', () => {
  it.each([
    ['OPENAI_*', 'OPENAI_API_KEY', true],
    ['OPENAI_*', 'OPENAI_', true],
    ['OPENAI_*', 'OPENAI', false],
    ['*_TOKEN', 'GITHUB_TOKEN', true],
    ['*', 'ANYTHING', true],
    ['DB_PASSWORD', 'DB_PASSWORD', true],
    ['DB_PASSWORD', 'DB_PASSWORD2', false],
    ['db_password', 'DB_PASSWORD', false],
    ['A*B*C', 'AxxBxxC', true],
    ['A*B*C', 'AxxCxxB', false],
  ])('%s against %s is %s', (pattern, name, expected) => {
    expect(matchesSecretPattern(pattern, name)).toBe(expected);
  });

  it('agrees with the regular-expression definition', () => {
    const alphabet = fc.constantFrom('A', 'B', '_', '*');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('A', 'B', '_'), maxLength: 10 }),
        (pattern, name) => {
          expect(matchesSecretPattern(pattern, name)).toBe(reference(pattern, name));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('stays linear on patterns that make a regex engine backtrack', () => {
    const pattern = `${'*A'.repeat(100)}B`;
    const name = 'A'.repeat(256);
    expect(matchesSecretPattern(pattern, name)).toBe(false);
  });

  it('accepts only name characters and stars', () => {
    expect(isSecretPattern('OPENAI_*')).toBe(true);
    expect(isSecretPattern('')).toBe(false);
    expect(isSecretPattern('A.B')).toBe(false);
    expect(isSecretPattern("A'; DROP TABLE secrets;--")).toBe(false);
  });
});
