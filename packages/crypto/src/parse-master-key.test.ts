import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError } from './crypto-error.js';
import { parseMasterKey } from './parse-master-key.js';

const INVALID_MASTER_KEY = expect.objectContaining({ name: 'CryptoError', code: 'INVALID_MASTER_KEY' });
const bytes = new Uint8Array(randomBytes(32));
const standard = Buffer.from(bytes).toString('base64');
const urlSafe = Buffer.from(bytes).toString('base64url');

function messageOf(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(CryptoError);
    expect((error as CryptoError).code).toBe('INVALID_MASTER_KEY');
    return (error as CryptoError).message;
  }
  throw new Error('expected parseMasterKey to throw');
}

/** A valid key, altered in a way Node's lenient decoder would ignore or misread. */
function garbled(text: string, position: number, junk: string): string {
  return text.slice(0, position) + junk + text.slice(position);
}

describe('parseMasterKey (FR-1.2, RULINGS R6)', () => {
  it.each([
    ['standard base64 with padding', standard],
    ['standard base64 without padding', standard.replace(/=$/, '')],
    ['url-safe base64 without padding', urlSafe],
    ['url-safe base64 with padding', `${urlSafe}=`],
    ['a trailing newline (a key file)', `${standard}\n`],
    ['surrounding whitespace', `  \t${standard}\r\n`],
  ])('accepts %s', (_label, text) => {
    expect(parseMasterKey(text)).toEqual(bytes);
  });

  it('returns a buffer of its own, not a pooled Buffer', () => {
    const key = parseMasterKey(standard);
    expect(Buffer.isBuffer(key)).toBe(false);
    expect(key.byteOffset).toBe(0);
    expect(key.buffer.byteLength).toBe(32);
  });

  it('accepts what `openssl rand -base64 32` prints', () => {
    expect(parseMasterKey('q2Mx1n3pXhYkOCqjpOPpIDXnZHQTZ5bkN6y3CqLe91E=\n')).toHaveLength(32);
  });

  it.each([
    ['31 bytes', Buffer.alloc(31, 7).toString('base64'), /decodes to 31 bytes/],
    ['33 bytes', Buffer.alloc(33, 7).toString('base64'), /decodes to 33 bytes/],
    ['64 bytes', Buffer.alloc(64, 7).toString('base64'), /decodes to 64 bytes/],
    ['16 bytes', Buffer.alloc(16, 7).toString('base64'), /decodes to 16 bytes/],
    ['the empty string', '', /is empty/],
    ['only whitespace', ' \n\t ', /is empty/],
    ['a character outside the alphabet', garbled(standard, 10, '*'), /outside the base64 alphabet/],
    ['inner whitespace', garbled(standard, 20, ' '), /outside the base64 alphabet/],
    ['a quoted value', `"${standard}"`, /outside the base64 alphabet/],
    ['padding in the middle', garbled(standard, 12, '='), /outside the base64 alphabet/],
    ['mixed alphabets', `-+${standard.slice(2)}`, /outside the base64 alphabet|mixes/],
    ['hex instead of base64', Buffer.from(bytes).toString('hex'), /decodes to 48 bytes/],
    ['too much padding', `${standard}=`, /length or padding/],
    ['a truncated paste', standard.slice(0, 41), /length or padding/],
    [
      'a word',
      'garbage',
      /is not base64 of exactly 32 bytes \(7 characters received, where such a key has 44\)/,
    ],
    ['stray bits in the last character', `${standard.slice(0, 42)}B=`, /canonical|decodes/],
  ])('rejects %s with INVALID_MASTER_KEY and says why', (_label, text, why) => {
    const message = messageOf(() => parseMasterKey(text));
    expect(message).toMatch(why);
  });

  it('rejects values that are not strings', () => {
    for (const value of [undefined, null, 42, bytes]) {
      expect(() => parseMasterKey(value as unknown as string)).toThrowError(INVALID_MASTER_KEY);
    }
  });

  it('names the origin, the expected format and how to make a key', () => {
    const fromDefault = messageOf(() => parseMasterKey('short'));
    expect(fromDefault).toContain('IRON_CAGE_MASTER_KEY');
    expect(fromDefault).toContain('base64 of exactly 32 bytes');
    expect(fromDefault).toContain('openssl rand -base64 32');
    const fromFile = messageOf(() => parseMasterKey('short', '/run/credentials/iron-secrets/master-key'));
    expect(fromFile).toContain('/run/credentials/iron-secrets/master-key');
  });

  it('states the length received, never the value', () => {
    const message = messageOf(() => parseMasterKey(Buffer.alloc(31, 0xab).toString('base64')));
    expect(message).toContain('31 bytes');
    expect(message).not.toContain(Buffer.alloc(31, 0xab).toString('base64').slice(0, 8));
  });

  it('never puts the input in its message, whatever the input (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ minLength: 16, maxLength: 80 }),
          fc.string({ unit: 'binary', minLength: 16, maxLength: 80 }),
          fc
            .uint8Array({ minLength: 12, maxLength: 60 })
            .filter((candidate) => candidate.length !== 32)
            .map((candidate) => Buffer.from(candidate).toString('base64')),
          fc
            .tuple(
              fc.uint8Array({ minLength: 32, maxLength: 32 }),
              fc.nat(43),
              fc.constantFrom('*', '.', ' ', '"', '%'),
            )
            .map(([key, position, junk]) => garbled(Buffer.from(key).toString('base64'), position, junk)),
        ),
        (text) => {
          let message: string | undefined;
          try {
            parseMasterKey(text);
          } catch (error) {
            message = (error as Error).message;
          }
          if (message !== undefined) {
            expect(message).not.toContain(text);
            expect(message).not.toContain(text.trim());
            // Not even a recognisable part of a key: no 8-character window of the value.
            const value = text.trim();
            for (let start = 0; start + 8 <= value.length; start++) {
              const window = value.slice(start, start + 8);
              if (/^[A-Za-z0-9+/_=-]{8}$/.test(window) && /\d|[+/_=-]/.test(window)) {
                expect(message).not.toContain(window);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
