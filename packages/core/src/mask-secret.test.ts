import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecret } from './mask-secret.js';

describe('FR-7: maskSecret', () => {
  it('FR-7.2 + R2: the spec examples, exactly', () => {
    expect(maskSecret('short')).toBe('***');
    expect(maskSecret('medium_length')).toBe('med...gth');
    expect(maskSecret('sk-proj-abc123def456ghi789')).toBe('sk-proj-ab...789');
  });

  it.each([
    ['', '***'],
    ['x', '***'],
    ['0123456789', '***'],
    ['0123456789A', '012...89A'],
    ['01234567890123456789', '012...789'],
    ['012345678901234567890', '0123456789...890'],
  ])('at the boundaries: %s -> %s', (value, masked) => {
    expect(maskSecret(value)).toBe(masked);
  });

  it('counts code points, not UTF-16 units: emoji are never cut in half', () => {
    const emoji = '🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑'; // 10 code points, 20 UTF-16 units
    expect(maskSecret(emoji)).toBe('***');
    expect(maskSecret(`${emoji}🗝`)).toBe('🔑🔑🔑...🔑🔑🗝');
    expect(maskSecret('pässwörd-ünïcödé-value')).toBe('pässwörd-ü...lue');
  });

  it('never shows more than 13 characters, and nothing of a value of 10 or fewer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (value) => {
        const masked = maskSecret(value);
        const length = Array.from(value).length;
        if (length <= 10) {
          expect(masked).toBe('***');
          return;
        }
        const chars = Array.from(masked);
        const prefix = length <= 20 ? 3 : 10;
        expect(chars).toHaveLength(prefix + 3 + 3);
        expect(chars.slice(prefix, prefix + 3).join('')).toBe('...');
        expect(masked.isWellFormed()).toBe(true);
        expect(value.startsWith(chars.slice(0, prefix).join(''))).toBe(true);
        expect(value.endsWith(chars.slice(-3).join(''))).toBe(true);
      }),
    );
  });
});
