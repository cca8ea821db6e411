/**
 * @module redaction-dictionary
 * The values to redact, with their derived forms, in one structure that every stream of an agent
 * scans with (see {@link RedactionScanner}): learned once, shared, only ever growing, so that
 * stdout, stderr and a terminal cannot disagree about what is secret.
 *
 * Why it is small: the forms are kept in a radix trie, where a run of bytes with no branching is
 * one node pointing into the pattern's own bytes instead of a node per byte. Random secrets
 * branch only near their first bytes, so memory is the patterns' bytes plus a few nodes each
 * (the per-byte trie took about 230 bytes per byte of value).
 *
 * Line breaks: a pattern is stored in its canonical form, every `\r+\n` as `\n` and trailing `\r`
 * dropped; the scanner reads the output the same way, so a `\n` of a value matches `\r*\n` (a
 * pseudo-terminal turns `\n` into `\r\n`, and `\r\n` into `\r\r\n`).
 */
import { MIN_REDACTED_LENGTH } from './redacted.js';
import { redactionForms } from './redaction-forms.js';

/**
 * A node of the trie. It is reached by one byte from its parent; `source[from, to)` are the bytes
 * that must follow that byte (its edge), then a value may end here and children may follow.
 */
export interface TrieNode {
  source: Uint8Array;
  from: number;
  to: number;
  children: Map<number, TrieNode> | undefined;
  endsValue: boolean;
}

/** Options of {@link RedactionDictionary}. */
export interface RedactionDictionaryOptions {
  /**
   * The forms to redact for one value (default {@link redactionForms}: the value and its derived
   * forms). `(value) => [value]` redacts the exact value only.
   */
  readonly forms?: ((value: string) => readonly string[]) | undefined;
}

/**
 * Secret values to redact, with their derived forms.
 *
 * @example
 * ```ts
 * const dictionary = new RedactionDictionary();
 * dictionary.add(['sk-proj-abc123']);
 * const stdout = new RedactionScanner(dictionary);
 * const stderr = new RedactionScanner(dictionary);
 * ```
 */
export class RedactionDictionary {
  /** The trie's root, by first byte. Read by scanners; written only by {@link add}. */
  readonly root: (TrieNode | undefined)[] = new Array(256);
  readonly #forms: (value: string) => readonly string[];
  readonly #values = new Set<string>();
  #patterns = 0;
  #redacted = 0;

  constructor(options: RedactionDictionaryOptions = {}) {
    this.#forms = options.forms ?? redactionForms;
  }

  /** Adds values (and their forms) to redact from now on; known or too short values are skipped. */
  add(values: readonly string[]): void {
    for (const value of values) {
      if (this.#values.has(value)) continue;
      this.#values.add(value);
      let inserted = false;
      for (const form of this.#forms(value)) inserted = this.#insert(canonicalPattern(form)) || inserted;
      if (inserted) this.#redacted += 1;
    }
  }

  /** How many values are redacted (each with its forms; values too short to redact not counted). */
  get size(): number {
    return this.#redacted;
  }

  /** How many distinct patterns (values and derived forms) are redacted. */
  get patterns(): number {
    return this.#patterns;
  }

  /** Adds one pattern; false if it is too short to redact. */
  #insert(pattern: string): boolean {
    if (Array.from(pattern).length < MIN_REDACTED_LENGTH) return false;
    const bytes = Buffer.from(pattern, 'utf8');
    const first = this.root[bytes[0]!];
    if (first === undefined) {
      this.root[bytes[0]!] = leaf(bytes, 1);
      this.#patterns += 1;
      return true;
    }
    let node: TrieNode = first;
    let at = 1;
    for (;;) {
      // Follow the edge as far as the pattern agrees with it; split it where they part.
      let edge = node.from;
      while (edge < node.to && at < bytes.length && node.source[edge] === bytes[at]) {
        edge += 1;
        at += 1;
      }
      if (edge < node.to) split(node, edge);
      if (at === bytes.length) {
        if (!node.endsValue) this.#patterns += 1;
        node.endsValue = true;
        return true;
      }
      const next: TrieNode | undefined = node.children?.get(bytes[at]!);
      if (next === undefined) {
        node.children ??= new Map();
        node.children.set(bytes[at]!, leaf(bytes, at + 1));
        this.#patterns += 1;
        return true;
      }
      node = next;
      at += 1;
    }
  }
}

/** The pattern as the scanner reads output: `\r+\n` as `\n`, no trailing `\r`. */
function canonicalPattern(form: string): string {
  return form.replace(/\r+\n/g, '\n').replace(/\r+$/, '');
}

/** A node ending a pattern, whose edge is the rest of `bytes` from `from`. */
function leaf(bytes: Uint8Array, from: number): TrieNode {
  return { source: bytes, from, to: bytes.length, children: undefined, endsValue: true };
}

/** Cuts `node`'s edge before `at`: the node keeps the head, a new child takes the rest. */
function split(node: TrieNode, at: number): void {
  const tail: TrieNode = {
    source: node.source,
    from: at + 1,
    to: node.to,
    children: node.children,
    endsValue: node.endsValue,
  };
  node.children = new Map([[node.source[at]!, tail]]);
  node.to = at;
  node.endsValue = false;
}
