/**
 * @module secret-redactor
 * Streaming redaction of secret values (the spec's iron_telemetry redaction): every occurrence of
 * a value in a byte stream becomes `[SECRET_REDACTED]`, however the stream is cut into chunks.
 *
 * Why it is exact:
 * - It matches UTF-8 bytes, not decoded text, so a split inside a multi-byte character cannot
 *   hide a value, and output that is not text (binary) passes through byte for byte.
 * - Scanning left to right, at each position it tries the values that start with that byte,
 *   longest first. A value that matches in full is replaced. A value that could still match but
 *   runs past the end of the data seen so far makes the scan stop there: that tail (shorter than
 *   the longest value) is held back until more data decides it, or until the end of the stream,
 *   when nothing more can complete it. Nothing before the held tail can be part of a match, so
 *   it is released at once; there is no timer.
 * - Longest first at one position, so a value that contains another is replaced whole.
 * - Values are only ever added: after a rotation the old value stays redacted too.
 * - Values shorter than {@link MIN_REDACTED_LENGTH} characters are not redacted: replacing every
 *   `true` or `1234` in an agent's output would destroy it and protect nothing.
 */

/** What a value is replaced with. */
export const REDACTED = '[SECRET_REDACTED]';

/** Values with fewer code points than this are not redacted. */
export const MIN_REDACTED_LENGTH = 6;

const REDACTED_BYTES = Buffer.from(REDACTED, 'utf8');

/**
 * A redactor for one stream. Feed it chunks with {@link SecretRedactor.write} and end with
 * {@link SecretRedactor.end}; each returns the bytes that are safe to emit so far.
 *
 * @example
 * ```ts
 * const redactor = new SecretRedactor(['sk-proj-abc123']);
 * Buffer.concat([redactor.write(Buffer.from('key=sk-pr')), redactor.write(Buffer.from('oj-abc123!')), redactor.end()])
 *   .toString(); // 'key=[SECRET_REDACTED]!'
 * ```
 */
export class SecretRedactor {
  /** By first byte: the values starting with it, longest first. */
  readonly #byFirstByte: (Buffer[] | undefined)[] = new Array(256);
  readonly #known = new Set<string>();
  #longest = 0;
  #held: Buffer = Buffer.alloc(0);

  constructor(values: Iterable<string> = []) {
    this.add(values);
  }

  /** Adds values to redact from now on (values already known, or too short, are skipped). */
  add(values: Iterable<string>): void {
    for (const value of values) {
      if (this.#known.has(value) || Array.from(value).length < MIN_REDACTED_LENGTH) continue;
      this.#known.add(value);
      const bytes = Buffer.from(value, 'utf8');
      const first = bytes[0]!;
      const bucket = this.#byFirstByte[first] ?? [];
      this.#byFirstByte[first] = bucket;
      bucket.push(bytes);
      bucket.sort((a, b) => b.length - a.length);
      this.#longest = Math.max(this.#longest, bytes.length);
    }
  }

  /** How many values are redacted. */
  get size(): number {
    return this.#known.size;
  }

  /** Redacts what can be decided of `chunk` (with what was held back); holds back the rest. */
  write(chunk: Uint8Array): Buffer {
    const data =
      this.#held.length > 0
        ? Buffer.concat([this.#held, chunk])
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength); // a view, not a copy
    return this.#scan(data, false);
  }

  /** The end of the stream: whatever was held back, redacted (nothing more can complete a match). */
  end(): Buffer {
    const data = this.#held;
    return this.#scan(data, true);
  }

  #scan(data: Buffer, final: boolean): Buffer {
    const byFirstByte = this.#byFirstByte;
    const out: Buffer[] = [];
    let emittedUpTo = 0;
    let position = 0;
    scanning: while (position < data.length) {
      const candidates = byFirstByte[data[position]!];
      if (candidates !== undefined) {
        for (const value of candidates) {
          const available = data.length - position;
          if (available < value.length) {
            // Could this be the start of `value`, cut off by the end of the data seen so far?
            if (!final && data.compare(value, 0, available, position, data.length) === 0) break scanning;
            continue;
          }
          if (data.compare(value, 0, value.length, position, position + value.length) === 0) {
            out.push(data.subarray(emittedUpTo, position), REDACTED_BYTES);
            position += value.length;
            emittedUpTo = position;
            continue scanning;
          }
        }
      }
      position += 1;
    }
    out.push(data.subarray(emittedUpTo, position));
    // Copied: the held tail must not pin (or alias) the caller's chunk.
    this.#held = Buffer.from(data.subarray(position));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }
}
