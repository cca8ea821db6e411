import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_REDACTED_LENGTH, REDACTED } from './redaction/redacted.js';
import { SecretRedactor } from './secret-redactor.js';

/** The value itself only: these tests are about matching; derived forms are tested on their own. */
const EXACT = { forms: (value: string) => [value] };

/** Feeds `input` cut at `cuts` (byte offsets) and returns everything emitted. */
function redactInChunks(values: readonly string[], input: Buffer, cuts: readonly number[]): Buffer {
  const redactor = new SecretRedactor(values, EXACT);
  const points = [...new Set(cuts.map((cut) => cut % (input.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const point of [...points, input.length]) {
    out.push(redactor.write(input.subarray(start, point)));
    start = point;
  }
  out.push(redactor.end());
  return Buffer.concat(out);
}

/** The reference: whole-string replacement, longest value first, leftmost first. */
function reference(values: readonly string[], text: string): string {
  const eligible = [...new Set(values)]
    .filter((value) => Array.from(value).length >= MIN_REDACTED_LENGTH)
    .sort((a, b) => Buffer.byteLength(b) - Buffer.byteLength(a));
  if (eligible.length === 0) return text;
  const escaped = eligible.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // A text that ends inside a value ends redacted, if that piece has 6 bytes or more.
  const endsInside = `(?:${eligible
    .flatMap((value) => Array.from({ length: value.length }, (_, i) => value.slice(0, i + 1)))
    .filter((piece) => Buffer.byteLength(piece) >= MIN_REDACTED_LENGTH)
    .map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|')})$`;
  const pieces = endsInside === '(?:)$' ? [] : [endsInside];
  return text.replace(new RegExp([...pieces, ...escaped].join('|'), 'gu'), REDACTED);
}

describe('SecretRedactor', () => {
  it('replaces every occurrence, in one chunk or byte by byte', () => {
    const values = ['sk-proj-abc123def456'];
    const input = Buffer.from('using sk-proj-abc123def456 then sk-proj-abc123def456.');
    const expected = `using ${REDACTED} then ${REDACTED}.`;
    expect(redactInChunks(values, input, []).toString()).toBe(expected);
    expect(
      redactInChunks(
        values,
        input,
        Array.from({ length: input.length }, (_, i) => i),
      ).toString(),
    ).toBe(expected);
  });

  it('holds back only a tail that could still start a value, and releases it at the end', () => {
    const redactor = new SecretRedactor(['sk-proj-abc123'], EXACT);
    expect(redactor.write(Buffer.from('hello sk-pr')).toString()).toBe('hello ');
    expect(redactor.write(Buffer.from('ojX')).toString()).toBe('sk-projX');
    expect(redactor.write(Buffer.from('tail sk')).toString()).toBe('tail ');
    expect(redactor.end().toString()).toBe('sk');
  });

  it('replaces the longest value where values overlap', () => {
    const values = ['password1', 'password123456'];
    expect(redactInChunks(values, Buffer.from('a password123456 b password1 c'), [9]).toString()).toBe(
      `a ${REDACTED} b ${REDACTED} c`,
    );
    // The longer one is still possible at the end of the data: held, then decided by the end.
    const redactor = new SecretRedactor(values, EXACT);
    expect(redactor.write(Buffer.from('x password123')).toString()).toBe('x ');
    // The stream ended inside the longer one: that piece is redacted whole.
    expect(redactor.end().toString()).toBe(REDACTED);
  });

  it('does not redact values shorter than 6 characters (code points)', () => {
    const redactor = new SecretRedactor(['12345', 'true', 'ééééé', 'éééééé'], EXACT);
    expect(redactor.size).toBe(1);
    expect(
      Buffer.concat([redactor.write(Buffer.from('12345 true ééééé éééééé')), redactor.end()]).toString(),
    ).toBe(`12345 true ééééé ${REDACTED}`);
  });

  it('keeps old values after new ones are added (rotation)', () => {
    const redactor = new SecretRedactor(['old-value-123'], EXACT);
    redactor.add(['new-value-456']);
    const out = Buffer.concat([redactor.write(Buffer.from('old-value-123 new-value-456')), redactor.end()]);
    expect(out.toString()).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('passes binary output through byte for byte', () => {
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    expect(redactInChunks(['sk-proj-abc123'], binary, [1, 100, 1000, 4000]).equals(binary)).toBe(true);
    const withValue = Buffer.concat([binary, Buffer.from('sk-proj-abc123'), binary]);
    expect(
      redactInChunks(['sk-proj-abc123'], withValue, [4100]).equals(
        Buffer.concat([binary, Buffer.from(REDACTED), binary]),
      ),
    ).toBe(true);
  });

  it('is exact for any split points and any values, multi-byte included (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'é', '日', '😀', '-', ' ', '\n');
    const value = fc.array(alphabet, { minLength: 1, maxLength: 12 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 5 }),
        fc.array(fc.oneof(alphabet, value), { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (values, parts, cuts) => {
          const text = parts.join('');
          const out = redactInChunks(values, Buffer.from(text, 'utf8'), cuts);
          expect(out.toString('utf8')).toBe(reference(values, text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('redacts a value printed 10,000 times, in chunks of every size', () => {
    const value = 'sk-proj-😀-abc123def456';
    const input = Buffer.from(`${value}\n`.repeat(10_000));
    for (const size of [1, 7, 4096, 65_536]) {
      const redactor = new SecretRedactor([value], EXACT);
      const out: Buffer[] = [];
      for (let start = 0; start < input.length; start += size)
        out.push(redactor.write(input.subarray(start, start + size)));
      out.push(redactor.end());
      expect(Buffer.concat(out).toString()).toBe(`${REDACTED}\n`.repeat(10_000));
    }
  });
});
