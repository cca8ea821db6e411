/**
 * @module json-duplicate-keys
 * Whether a JSON text names a key twice in one object. JSON.parse keeps the last of two equal
 * keys without a word, so a body read one way by a proxy, a log or a reviewer (the first key) is
 * acted on another way by us (the last): `{"environment":"development","environment":"production"}`.
 * I-JSON (RFC 7493, section 2.3) forbids duplicate names; we refuse them.
 */

/** A left brace, bracket, their closing pairs, the comma, the quote and the backslash. */
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether any object in `json`, at any depth, names the same key twice. Keys are compared as
 * JSON.parse decodes them, so `"a"` and `"\u0061"` are one key. `json` must be well-formed (call
 * it after JSON.parse accepted the text). One pass over the text: each character is looked at a
 * bounded number of times, whatever the nesting or the escapes.
 *
 * @example
 * ```ts
 * hasDuplicateJsonKey('{"a":1,"\\u0061":2}'); // true
 * hasDuplicateJsonKey('[{"a":1},{"a":2}]'); // false: two objects
 * ```
 */
export function hasDuplicateJsonKey(json: string): boolean {
  // One entry per object or array still open: the keys an object has named so far; null for an array.
  const open: (Set<string> | null)[] = [];
  // Whether the next string is a key: right after `{`, or after a `,` inside an object.
  let keyNext = false;
  for (let at = 0; at < json.length; at += 1) {
    switch (json.charCodeAt(at)) {
      case OPEN_OBJECT:
        open.push(new Set());
        keyNext = true;
        break;
      case OPEN_ARRAY:
        open.push(null);
        keyNext = false;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        open.pop();
        keyNext = false;
        break;
      case COMMA:
        keyNext = open.at(-1) instanceof Set;
        break;
      case QUOTE: {
        const end = closingQuote(json, at);
        if (keyNext) {
          const keys = open.at(-1) as Set<string>;
          const key = decodeString(json, at, end);
          if (keys.has(key)) return true;
          keys.add(key);
          keyNext = false;
        }
        at = end; // a value's text (braces, commas, quotes escaped) is never read as structure
        break;
      }
      default:
      // whitespace, `:`, numbers, true, false, null: nothing to track
    }
  }
  return false;
}

/** The index of the quote that closes the string opening at `start`. */
function closingQuote(json: string, start: number): number {
  for (let at = start + 1; at < json.length; at += 1) {
    const code = json.charCodeAt(at);
    if (code === BACKSLASH) {
      at += 1; // the escaped character cannot close the string
    } else if (code === QUOTE) {
      return at;
    }
  }
  return json.length; // not well-formed: the caller promised it was; stop at the end
}

/** The string between `start` and `end` (both quotes) as JSON.parse reads it. */
function decodeString(json: string, start: number, end: number): string {
  const raw = json.slice(start + 1, end);
  // Only a key with an escape needs decoding; JSON.parse decodes it exactly as it decodes the body.
  return raw.includes('\\') ? (JSON.parse(json.slice(start, end + 1)) as string) : raw;
}
