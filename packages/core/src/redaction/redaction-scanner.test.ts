import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_REDACTED_LENGTH, REDACTED } from './redacted.js';
import { RedactionDictionary } from './redaction-dictionary.js';
import { RedactionScanner } from './redaction-scanner.js';

const EXACT = { forms: (value: string) => [value] };

function dictionaryOf(values: readonly string[], options = EXACT): RedactionDictionary {
  const dictionary = new RedactionDictionary(options);
  dictionary.add(values);
  return dictionary;
}

function scanInChunks(dictionary: RedactionDictionary, input: Buffer, cuts: readonly number[]): string {
  const scanner = new RedactionScanner(dictionary);
  const points = [...new Set(cuts.map((cut) => cut % (input.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const point of [...points, input.length]) {
    out.push(scanner.write(input.subarray(start, point)));
    start = point;
  }
  out.push(scanner.end());
  return Buffer.concat(out).toString();
}

/**
 * The reference: whole-text regular expression, longest pattern first, leftmost first, where a
 * value's line break matches any number of `\r` before a `\n` (trailing `\r` of a value dropped),
 * and a text that ends inside a value ends redacted if that piece has 6 bytes or more.
 */
function reference(values: readonly string[], text: string): string {
  const eligible = [...new Set(values.map((value) => value.replace(/\r+\n/g, '\n').replace(/\r+$/, '')))]
    .filter((value) => Array.from(value).length >= MIN_REDACTED_LENGTH)
    .sort((a, b) => Buffer.byteLength(b) - Buffer.byteLength(a));
  if (eligible.length === 0) return text;
  const sources = eligible.map((value) =>
    value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('\n', '\\r*\\n'),
  );
  // Longest first is not enough for a regex alternation when `\r*` makes lengths vary: try every
  // alternative at each position and keep the longest.
  let out = '';
  let position = 0;
  while (position < text.length) {
    let best = 0;
    for (const source of sources) {
      const match = new RegExp(source, 'uy');
      match.lastIndex = position;
      const found = match.exec(text);
      if (found !== null) best = Math.max(best, found[0].length);
    }
    // The stream ends inside a value: a piece of 6 bytes or more is redacted too.
    const rest = text.slice(position);
    const canonicalRest = rest.replace(/\r+\n/g, '\n');
    if (
      Buffer.byteLength(rest) >= MIN_REDACTED_LENGTH &&
      eligible.some((value) => value.startsWith(canonicalRest))
    )
      best = rest.length;
    if (best > 0) {
      out += REDACTED;
      position += best;
    } else {
      const code = text.codePointAt(position)!;
      const width = code > 0xffff ? 2 : 1;
      out += text.slice(position, position + width);
      position += width;
    }
  }
  return out;
}

describe('RedactionScanner', () => {
  it('gives each stream its own held tail over one shared dictionary', () => {
    const dictionary = dictionaryOf(['sk-proj-abc123']);
    const stdout = new RedactionScanner(dictionary);
    const stderr = new RedactionScanner(dictionary);
    expect(stdout.write(Buffer.from('out sk-pr')).toString()).toBe('out ');
    expect(stderr.write(Buffer.from('err sk-proj-ab')).toString()).toBe('err ');
    expect(stderr.write(Buffer.from('c123!')).toString()).toBe(`${REDACTED}!`);
    expect(stdout.write(Buffer.from('oj-abc123.')).toString()).toBe(`${REDACTED}.`);
    expect(stdout.end().toString()).toBe('');
  });

  it('redacts a value learned mid-stream on every stream, held tails included', () => {
    const dictionary = dictionaryOf(['old-value-123']);
    const stdout = new RedactionScanner(dictionary);
    const stderr = new RedactionScanner(dictionary);
    expect(stdout.write(Buffer.from('a old-va')).toString()).toBe('a ');
    dictionary.add(['old-vanilla-rotated']);
    expect(stdout.write(Buffer.from('nilla-rotated b')).toString()).toBe(`${REDACTED} b`);
    expect(stderr.write(Buffer.from('old-vanilla-rotated old-value-123')).toString()).toBe(
      `${REDACTED} ${REDACTED}`,
    );
  });

  it('matches a line break as \\r*\\n, across chunks, and a run of \\r at the end is held', () => {
    const dictionary = dictionaryOf(['line-one\nline-two', 'crlf-one\r\nsecond']);
    for (const text of ['line-one\nline-two', 'line-one\r\nline-two', 'line-one\r\r\nline-two']) {
      expect(scanInChunks(dictionary, Buffer.from(`<${text}>`), [])).toBe(`<${REDACTED}>`);
      const bytes = Buffer.from(`<${text}>`);
      expect(
        scanInChunks(
          dictionary,
          bytes,
          Array.from({ length: bytes.length }, (_, i) => i),
        ),
      ).toBe(`<${REDACTED}>`);
    }
    expect(scanInChunks(dictionary, Buffer.from('crlf-one\nsecond crlf-one\r\r\nsecond'), [])).toBe(
      `${REDACTED} ${REDACTED}`,
    );
    const scanner = new RedactionScanner(dictionary);
    expect(scanner.write(Buffer.from('x line-one\r\r')).toString()).toBe('x ');
    expect(scanner.write(Buffer.from('\nline-two')).toString()).toBe(REDACTED);
    expect(scanner.write(Buffer.from(' line-on')).toString()).toBe(' ');
    // The stream ends inside a value (an agent killed mid-write): the piece is not released.
    expect(scanner.end().toString()).toBe(REDACTED);
    const short = new RedactionScanner(dictionary);
    expect(Buffer.concat([short.write(Buffer.from('x line-o')), short.end()]).toString()).toBe(
      `x ${REDACTED}`,
    );
    const shorter = new RedactionScanner(dictionary);
    expect(Buffer.concat([shorter.write(Buffer.from('x line')), shorter.end()]).toString()).toBe('x line');
    // A \r that is not before a \n is itself, and is not held when nothing could start with it.
    const plain = new RedactionScanner(dictionaryOf(['abcdefgh']));
    expect(plain.write(Buffer.from('progress 50%\r')).toString()).toBe('progress 50%\r');
  });

  it('reads a long run of \\r in linear time', () => {
    const dictionary = dictionaryOf(['value\r\r\rmore-of-it', 'line\nbreak-value']);
    const input = Buffer.concat([Buffer.alloc(2_000_000, '\r'), Buffer.from('x')]);
    const started = process.hrtime.bigint();
    expect(scanInChunks(dictionary, input, []).length).toBe(input.length);
    // Generous: quadratic would be 10^12 steps; linear is a few milliseconds.
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(5_000);
  });

  it('is exact for any split points, values and line endings, multi-byte included (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'é', '日', '😀', '-', ' ', '\n', '\r');
    const value = fc.array(alphabet, { minLength: 1, maxLength: 12 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.oneof(
            alphabet,
            value,
            value.map((v) => v.replaceAll('\n', '\r\n')),
          ),
          { maxLength: 60 },
        ),
        fc.array(fc.nat(), { maxLength: 20 }),
        (values, parts, cuts) => {
          const text = parts.join('');
          expect(scanInChunks(dictionaryOf(values), Buffer.from(text, 'utf8'), cuts)).toBe(
            reference(values, text),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the same output fed a byte at a time as in one piece (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'é', '-', '\n', '\r', '"');
    const value = fc.array(alphabet, { minLength: 6, maxLength: 14 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 4 }),
        fc.array(fc.oneof(alphabet, value), { maxLength: 40 }),
        (values, parts) => {
          const input = Buffer.from(parts.join(''));
          const dictionary = new RedactionDictionary();
          dictionary.add(values);
          const once = new RedactionScanner(dictionary);
          const expected = Buffer.concat([once.write(input), once.end()]).toString();
          const scanner = new RedactionScanner(dictionary);
          const out: Buffer[] = [];
          for (let i = 0; i < input.length; i += 1) out.push(scanner.write(input.subarray(i, i + 1)));
          out.push(scanner.end());
          expect(Buffer.concat(out).toString()).toBe(expected);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('stays small: 50 values of 4 KiB with every derived form', () => {
    const dictionary = new RedactionDictionary();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"\\é ';
    const values = Array.from({ length: 50 }, () =>
      Array.from(randomBytes(4096), (byte) => alphabet[byte % alphabet.length]).join(''),
    );
    dictionary.add(values);
    expect(dictionary.size).toBe(50);
    // Memory itself is measured by the benchmark (tools/bench); here, that forms were added.
    expect(dictionary.patterns).toBeGreaterThan(50 * 10);
  });
});
