/**
 * @module legacy-redactor
 * The benchmark's baseline: the exact-only redactor as it was before derived forms (a trie node
 * per byte, a Map of children each), kept verbatim so its throughput and memory can be measured
 * in the same run as today's. Not used by the product.
 *
 * Streaming redaction of secret values (the spec's iron_telemetry redaction): every occurrence of
 * a value in a byte stream becomes `[SECRET_REDACTED]`, however the stream is cut into chunks.
 *
 * Why it is exact:
 * - It matches UTF-8 bytes, not decoded text, so a split inside a multi-byte character cannot
 *   hide a value, and output that is not text (binary) passes through byte for byte.
 * - The values form a trie of their bytes. Scanning left to right, at each position it walks the
 *   trie as far as the data goes and remembers the longest value that ended on the way: that one
 *   is replaced, so a value that contains another is replaced whole.
 * - If the walk reaches the end of the data seen so far while a longer value is still possible,
 *   the scan stops there: that tail (shorter than the longest value) is held back until more data
 *   decides it, or until the end of the stream, when nothing more can complete it. Nothing before
 *   the held tail can be part of a match, so it is released at once; there is no timer.
 * - Values are only ever added: after a rotation the old value stays redacted too.
 * - Values shorter than {@link MIN_REDACTED_LENGTH} characters are not redacted: replacing every
 *   `true` or `1234` in an agent's output would destroy it and protect nothing.
 */

/** What a value is replaced with. */
const REDACTED = '[SECRET_REDACTED]';

/** Values with fewer code points than this are not redacted. */
const MIN_REDACTED_LENGTH = 6;

const REDACTED_BYTES = Buffer.from(REDACTED, 'utf8');

/**
 * A redactor for one stream. Feed it chunks with {@link LegacyRedactor.write} and end with
 * {@link LegacyRedactor.end}; each returns the bytes that are safe to emit so far.
 *
 * @example
 * ```ts
 * const redactor = new LegacyRedactor(['sk-proj-abc123']);
 * Buffer.concat([redactor.write(Buffer.from('key=sk-pr')), redactor.write(Buffer.from('oj-abc123!')), redactor.end()])
 *   .toString(); // 'key=[SECRET_REDACTED]!'
 * ```
 */
export class LegacyRedactor {
  /** The trie's root, by first byte. */
  readonly #root: (TrieNode | undefined)[] = new Array(256);
  readonly #known = new Set<string>();
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
      let node = this.#root[bytes[0]!] ?? newNode();
      this.#root[bytes[0]!] = node;
      for (const byte of bytes.subarray(1)) {
        node.children ??= new Map();
        const next = node.children.get(byte) ?? newNode();
        node.children.set(byte, next);
        node = next;
      }
      node.endsValue = true;
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
    return this.#scan(this.#held, true);
  }

  #scan(data: Buffer, final: boolean): Buffer {
    const root = this.#root;
    const out: Buffer[] = [];
    let emittedUpTo = 0;
    let position = 0;
    while (position < data.length) {
      let node = root[data[position]!];
      if (node === undefined) {
        position += 1;
        continue;
      }
      // Walk the trie from here; `matched` is the length of the longest value ending on the way.
      let matched = node.endsValue ? 1 : 0;
      let next = position + 1;
      let undecided = false;
      while (node.children !== undefined) {
        if (next === data.length) {
          undecided = !final; // a longer value could still complete with more data
          break;
        }
        const child: TrieNode | undefined = node.children.get(data[next]!);
        if (child === undefined) break;
        node = child;
        next += 1;
        if (node.endsValue) matched = next - position;
      }
      if (undecided) break;
      if (matched > 0) {
        out.push(data.subarray(emittedUpTo, position), REDACTED_BYTES);
        position += matched;
        emittedUpTo = position;
      } else {
        position += 1;
      }
    }
    out.push(data.subarray(emittedUpTo, position));
    // Copied: the held tail must not pin (or alias) the caller's chunk.
    this.#held = Buffer.from(data.subarray(position));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }
}

/** A node of the values' trie: the bytes that may follow, and whether a value ends here. */
interface TrieNode {
  children: Map<number, TrieNode> | undefined;
  endsValue: boolean;
}

function newNode(): TrieNode {
  return { children: undefined, endsValue: false };
}
