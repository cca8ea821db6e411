import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStrictBase64 } from './strict-base64.js';

function bytesOf(text: string): number[] | string {
  const result = decodeStrictBase64(text);
  return result.ok ? [...result.bytes] : result.problem;
}

describe('decodeStrictBase64', () => {
  it('decodes canonical base64 in both alphabets, padded or not', () => {
    expect(bytesOf('')).toEqual([]);
    expect(bytesOf('AAEC')).toEqual([0, 1, 2]);
    expect(bytesOf('+/8=')).toEqual([251, 255]);
    expect(bytesOf('+/8')).toEqual([251, 255]);
    expect(bytesOf('-_8')).toEqual([251, 255]);
    expect(bytesOf('-_8=')).toEqual([251, 255]);
    expect(bytesOf('AA==')).toEqual([0]);
    expect(bytesOf('AA')).toEqual([0]);
  });

  it('refuses what Node’s lenient decoder would silently accept', () => {
    expect(bytesOf('AA*EC')).toBe('ALPHABET'); // Node skips the '*'
    expect(bytesOf('AA EC')).toBe('ALPHABET'); // inner whitespace
    expect(bytesOf('AA=EC')).toBe('ALPHABET'); // Node stops at the first '='
    expect(bytesOf('"AAEC"')).toBe('ALPHABET'); // a quoted value
    expect(bytesOf('+_8=')).toBe('ALPHABET'); // both alphabets mixed
    expect(bytesOf('AAECé')).toBe('ALPHABET');
  });

  it('refuses impossible lengths and wrong padding', () => {
    expect(bytesOf('A')).toBe('LENGTH');
    expect(bytesOf('AAAAA')).toBe('LENGTH');
    expect(bytesOf('AA=')).toBe('LENGTH');
    expect(bytesOf('AA===')).toBe('LENGTH');
    expect(bytesOf('AAA==')).toBe('LENGTH');
    expect(bytesOf('AAEC=')).toBe('LENGTH');
  });

  it('refuses stray bits in the last character (a second spelling of the same bytes)', () => {
    expect(bytesOf('AB==')).toBe('NON_CANONICAL'); // canonical: AA==
    expect(bytesOf('AAF')).toBe('NON_CANONICAL'); // canonical: AAE
  });

  it('round-trips any bytes through both alphabets, with and without padding (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const standard = Buffer.from(bytes).toString('base64');
        const urlSafe = Buffer.from(bytes).toString('base64url');
        for (const text of [
          standard,
          standard.replace(/=+$/, ''),
          urlSafe,
          `${urlSafe}${'='.repeat((4 - (urlSafe.length % 4)) % 4)}`,
        ]) {
          expect(bytesOf(text)).toEqual([...bytes]);
        }
      }),
    );
  });

  it('accepts a text only if it is what encoding its bytes gives back (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'AB+/_-=*. '.split('')), maxLength: 12 }), (text) => {
        const result = decodeStrictBase64(text);
        if (result.ok) {
          const canonical = Buffer.from(result.bytes).toString('base64');
          const normalized = text.replaceAll('-', '+').replaceAll('_', '/');
          expect([canonical, canonical.replace(/=+$/, '')]).toContain(normalized);
        }
      }),
    );
  });
});
