/**
 * @module redaction-scanner
 * Streaming redaction of one output stream with a shared {@link RedactionDictionary}: every
 * occurrence of a pattern (a value or one of its derived forms) becomes `[SECRET_REDACTED]`,
 * however the stream is cut into chunks.
 *
 * Why it is exact:
 * - It matches UTF-8 bytes, not decoded text, so a split inside a multi-byte character cannot
 *   hide a value, and output that is not text (binary) passes through byte for byte.
 * - Scanning left to right, at each position it walks the dictionary's trie as far as the data
 *   goes and remembers the longest pattern that ended on the way: that one is replaced, so a
 *   pattern that contains another is replaced whole.
 * - Line breaks are read canonically, like the patterns are stored: a run of `\r` directly before
 *   a `\n` is skipped, so a value's `\n` matches `\r*\n`. Whether a run of `\r` at the end of the
 *   data so far is followed by `\n` is not known yet, so such a run is undecided like any tail.
 * - If the walk reaches the end of the data seen so far while a longer pattern is still possible,
 *   the scan stops there: that tail (shorter than the longest pattern) is held back until more
 *   data decides it, or until the end of the stream, when nothing more can complete it. Nothing
 *   before the held tail can be part of a match, so it is released at once; there is no timer.
 * - At the end of the stream, a held tail that is the start of a pattern, at least
 *   {@link MIN_REDACTED_LENGTH} bytes long, is redacted: an agent killed in the middle of printing
 *   a value must not leave its first half in clear.
 * - The dictionary only grows: a value learned between two chunks is redacted from the next
 *   chunk on, held tail included; an old value stays redacted after a rotation.
 */
import { MIN_REDACTED_LENGTH, REDACTED } from './redacted.js';
import type { RedactionDictionary, TrieNode } from './redaction-dictionary.js';

const REDACTED_BYTES = Buffer.from(REDACTED, 'utf8');
const CR = 0x0d;
const LF = 0x0a;
/** {@link RedactionScanner}'s reading of a position: the data so far cannot tell yet. */
const UNDECIDED = -1;
/** {@link RedactionScanner}'s reading of a position: past the end of the stream. */
const ENDED = -2;

/**
 * The redaction of one stream: feed it chunks with {@link RedactionScanner.write} and end with
 * {@link RedactionScanner.end}; each returns the bytes that are safe to emit so far. Holds only
 * its undecided tail; the values are the dictionary's.
 *
 * @example
 * ```ts
 * const scanner = new RedactionScanner(dictionary);
 * Buffer.concat([scanner.write(Buffer.from('key=sk-pr')), scanner.write(Buffer.from('oj-abc123!')), scanner.end()])
 *   .toString(); // 'key=[SECRET_REDACTED]!'
 * ```
 */
export class RedactionScanner {
  readonly #dictionary: RedactionDictionary;
  #held: Buffer = Buffer.alloc(0);

  constructor(dictionary: RedactionDictionary) {
    this.#dictionary = dictionary;
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
    const root = this.#dictionary.root;
    const reader = new CanonicalReader(data, final);
    const out: Buffer[] = [];
    let emittedUpTo = 0;
    let position = 0;
    while (position < data.length) {
      // The byte the canonical text has here: this one, or the `\n` after a run of `\r`.
      const byte = data[position]!;
      if (byte === CR && root[CR] === undefined && root[LF] === undefined) {
        position += 1; // nothing can start here, whatever follows the `\r`
        continue;
      }
      const at = byte === CR ? reader.at(position) : position;
      if (at === UNDECIDED) break;
      const node = root[data[at]!];
      if (node === undefined) {
        position = at + 1;
        continue;
      }
      const end = longestMatch(node, reader, position, at + 1);
      if (end === UNDECIDED) break;
      if (end > 0) {
        out.push(data.subarray(emittedUpTo, position), REDACTED_BYTES);
        position = end;
        emittedUpTo = position;
      } else {
        // No pattern starts at this canonical byte, so none starts in the `\r` run before it.
        position = at + 1;
      }
    }
    out.push(data.subarray(emittedUpTo, position));
    // Copied: the held tail must not pin (or alias) the caller's chunk.
    this.#held = Buffer.from(data.subarray(position));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }
}

/**
 * Walks the trie from `node` (reached by the byte at or after `start`, before `next`): the end of
 * the longest pattern matched, 0 if none, or {@link UNDECIDED} when the data ends while a longer
 * pattern is still possible.
 */
function longestMatch(first: TrieNode, reader: CanonicalReader, start: number, next: number): number {
  const data = reader.data;
  let node = first;
  let position = next;
  let matchedEnd = 0;
  /** The walk reached the end: more data may decide it, or the stream ended inside a pattern. */
  const atEnd = (reading: number) => {
    if (reading === UNDECIDED) return UNDECIDED;
    // The stream ended in the middle of a pattern (an agent killed mid-write): a piece of a
    // value as long as the shortest value redacted is redacted too, not released in clear.
    return position - start >= MIN_REDACTED_LENGTH ? position : matchedEnd;
  };
  for (;;) {
    for (let edge = node.from; edge < node.to; edge += 1) {
      const at = data[position] === CR || position >= data.length ? reader.at(position) : position;
      if (at < 0) return atEnd(at);
      if (data[at] !== node.source[edge]) return matchedEnd;
      position = at + 1;
    }
    if (node.endsValue) matchedEnd = position;
    if (node.children === undefined) return matchedEnd;
    const at = data[position] === CR || position >= data.length ? reader.at(position) : position;
    if (at < 0) return atEnd(at);
    const child = node.children.get(data[at]!);
    if (child === undefined) return matchedEnd;
    node = child;
    position = at + 1;
  }
}

/**
 * Reads positions of one chunk of data as the canonical text: a run of `\r` followed by `\n`
 * stands for that `\n`; any other `\r` is itself. Remembers the last run it measured, so a long
 * run of `\r` is measured once, not once per position (which would be quadratic).
 */
class CanonicalReader {
  readonly data: Buffer;
  readonly #final: boolean;
  #runStart = -1;
  #runEnd = -1;

  constructor(data: Buffer, final: boolean) {
    this.data = data;
    this.#final = final;
  }

  /**
   * The index of the byte the canonical text has at `position`: `position` itself, or the `\n`
   * ending the run of `\r` that `position` is in; {@link UNDECIDED} if the data ends before that
   * is known (more may come); {@link ENDED} past the end of the stream.
   */
  at(position: number): number {
    const data = this.data;
    if (position >= data.length) return this.#final ? ENDED : UNDECIDED;
    if (data[position] !== CR) return position;
    if (position < this.#runStart || position >= this.#runEnd) {
      let end = position;
      while (end < data.length && data[end] === CR) end += 1;
      this.#runStart = position;
      this.#runEnd = end;
    }
    if (this.#runEnd === data.length) return this.#final ? position : UNDECIDED;
    return data[this.#runEnd] === LF ? this.#runEnd : position;
  }
}
