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
  /** The held tail in `#held[0, #heldLength)`; the buffer grows by doubling and is reused. */
  #held: Buffer = Buffer.alloc(0);
  #heldLength = 0;
  /**
   * The walk from the held tail's first byte, where it stopped for want of data: resumed, not
   * redone, when more arrives (a long value written a byte at a time would otherwise be walked
   * again from its start at every byte). Valid while the dictionary has not changed since.
   */
  #pending: { readonly walk: Walk; readonly patterns: number } | undefined;
  readonly #walk: Walk;

  constructor(dictionary: RedactionDictionary) {
    this.#dictionary = dictionary;
    const unused: TrieNode = {
      source: new Uint8Array(0),
      from: 0,
      to: 0,
      children: undefined,
      endsValue: false,
    };
    this.#walk = { start: 0, at: 0, node: unused, edge: 0, position: 0, matchedEnd: 0 };
  }

  /** Redacts what can be decided of `chunk` (with what was held back); holds back the rest. */
  write(chunk: Uint8Array): Buffer {
    if (this.#heldLength === 0) {
      return this.#scan(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), false); // a view
    }
    this.#reserve(this.#heldLength + chunk.byteLength);
    this.#held.set(chunk, this.#heldLength);
    return this.#scan(this.#held.subarray(0, this.#heldLength + chunk.byteLength), false);
  }

  /** The end of the stream: whatever was held back, redacted (nothing more can complete a match). */
  end(): Buffer {
    return this.#scan(this.#held.subarray(0, this.#heldLength), true);
  }

  #scan(data: Buffer, final: boolean): Buffer {
    const root = this.#dictionary.root;
    const reader = new CanonicalReader(data, final);
    const out: Buffer[] = [];
    let emittedUpTo = 0;
    let position = 0;
    let pending = this.#pending?.patterns === this.#dictionary.patterns ? this.#pending.walk : undefined;
    this.#pending = undefined;
    while (position < data.length) {
      let walk = pending;
      pending = undefined;
      if (walk === undefined) {
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
        // One walk object for every fresh walk: a walk is started at most once per byte, and an
        // allocation each time costs more than the walk itself.
        walk = this.#walk;
        walk.start = position;
        walk.at = at;
        walk.node = node;
        walk.edge = node.from;
        walk.position = at + 1;
        walk.matchedEnd = 0;
      }
      const end = longestMatch(walk, reader);
      if (end === UNDECIDED) {
        this.#pending = { walk: rebased(walk, position), patterns: this.#dictionary.patterns };
        break;
      }
      if (end > 0) {
        out.push(data.subarray(emittedUpTo, position), REDACTED_BYTES);
        position = end;
        emittedUpTo = position;
      } else {
        // No pattern starts at this canonical byte, so none starts in the `\r` run before it.
        position = walk.at + 1;
      }
    }
    out.push(data.subarray(emittedUpTo, position));
    const emitted = out.length === 1 ? out[0]! : Buffer.concat(out);
    // What is returned must not alias the held buffer, which the next write reuses.
    const safe = emitted.buffer === this.#held.buffer && emitted.length > 0 ? Buffer.from(emitted) : emitted;
    this.#hold(data, position);
    return safe;
  }

  /** Keeps `data[from, end)` as the held tail, copied out of the caller's chunk if it is in one. */
  #hold(data: Buffer, from: number): void {
    const length = data.length - from;
    if (data.buffer === this.#held.buffer && data.byteOffset === this.#held.byteOffset) {
      if (from > 0) this.#held.copyWithin(0, from, data.length);
    } else if (length > 0) {
      this.#reserve(length);
      data.copy(this.#held, 0, from);
    }
    this.#heldLength = length;
  }

  /** Makes the held buffer hold at least `bytes`, keeping its content; doubles, so appends are linear. */
  #reserve(bytes: number): void {
    if (bytes <= this.#held.length) return;
    const grown = Buffer.alloc(Math.max(bytes, this.#held.length * 2, MIN_HELD_BYTES));
    this.#held.copy(grown, 0, 0, this.#heldLength);
    this.#held = grown;
  }
}

/** The held buffer's first size. */
const MIN_HELD_BYTES = 256;

/**
 * A walk in the trie from the data position `start` (whose canonical byte is at `at`): at `node`,
 * about to compare `node.source[edge]` with the data at `position`; `matchedEnd` is the end of
 * the longest pattern matched so far (0: none).
 */
interface Walk {
  start: number;
  at: number;
  node: TrieNode;
  edge: number;
  position: number;
  matchedEnd: number;
}

/** `walk` with its data positions counted from `from` (the held tail's start) instead. */
function rebased(walk: Walk, from: number): Walk {
  return {
    ...walk,
    start: walk.start - from,
    at: walk.at - from,
    position: walk.position - from,
    matchedEnd: walk.matchedEnd > 0 ? walk.matchedEnd - from : 0,
  };
}

/**
 * Continues `walk` as far as the data goes: the end of the longest pattern matched, 0 if none, or
 * {@link UNDECIDED} when the data ends while a longer pattern is still possible (`walk` then holds
 * where it stopped, to be resumed with more data).
 */
function longestMatch(walk: Walk, reader: CanonicalReader): number {
  const data = reader.data;
  /** The walk reached the end: more data may decide it, or the stream ended inside a pattern. */
  const atEnd = (reading: number) => {
    if (reading === UNDECIDED) return UNDECIDED;
    // The stream ended in the middle of a pattern (an agent killed mid-write): a piece of a
    // value as long as the shortest value redacted is redacted too, not released in clear.
    return walk.position - walk.start >= MIN_REDACTED_LENGTH ? walk.position : walk.matchedEnd;
  };
  for (;;) {
    const node = walk.node;
    for (; walk.edge < node.to; walk.edge += 1) {
      const position = walk.position;
      const at = data[position] === CR || position >= data.length ? reader.at(position) : position;
      if (at < 0) return atEnd(at);
      if (data[at] !== node.source[walk.edge]) return walk.matchedEnd;
      walk.position = at + 1;
    }
    if (node.endsValue) walk.matchedEnd = walk.position;
    if (node.children === undefined) return walk.matchedEnd;
    const position = walk.position;
    const at = data[position] === CR || position >= data.length ? reader.at(position) : position;
    if (at < 0) return atEnd(at);
    const child = node.children.get(data[at]!);
    if (child === undefined) return walk.matchedEnd;
    walk.node = child;
    walk.edge = child.from;
    walk.position = at + 1;
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
