/**
 * @module redaction-forms
 * The forms in which a secret value really leaks out of an agent's output, derived from the value
 * so that each can be redacted like the value itself (after actions/runner's ValueEncoders, which
 * covers encodings line by line; we cover them in a stream).
 *
 * Each form is the text a common encoder writes for the value *inside* whatever surrounds it
 * (quotes, a URL, a header), so it matches wherever the value is embedded:
 *
 * | form | written by |
 * |---|---|
 * | the value itself | `print`, `console.log`, logging, tracebacks |
 * | each line of a multi-line value, and its escaped forms | printing one line of a PEM key; `util.inspect` or `pprint` of a multi-line string in a container |
 * | JSON string body | `JSON.stringify`, `json.dumps(v, ensure_ascii=False)` |
 * | JSON string body, ASCII only | `json.dumps(v)` (`\uXXXX` for non-ASCII, lowercase hex) |
 * | JSON string body, HTML-safe | Go's `encoding/json` (`<`, `>`, `&` as `\u003c`...) |
 * | Python `repr` body | `repr(v)`, `str([v])`, `str({"k": v})`, `f"{v!r}"` |
 * | Python `ascii` body | `ascii(v)`, `%a` |
 * | Node `util.inspect` body | `util.inspect(v)`, `console.log({ k: v })`, `console.dir` |
 * | percent-encoding | `encodeURIComponent`, `quote`, `quote_plus`, `URLSearchParams` |
 * | base64 and base64url, at each of the 3 byte alignments | `b64encode(v)`, `b64encode(b"user:" + v)` (Basic auth) |
 *
 * Not derived (documented in docs/agents.md): hex, other encodings, compressed or encrypted forms,
 * base64 wrapped over several lines, and any transformation the agent applies itself.
 */
import { MIN_REDACTED_LENGTH } from './redacted.js';

/**
 * Every form of `value` to redact, the value itself first; none shorter than
 * {@link MIN_REDACTED_LENGTH} code points, no duplicates. A value shorter than the minimum has no
 * forms at all (it is not redacted).
 *
 * @example
 * ```ts
 * redactionForms('pa"ss/word'); // ['pa"ss/word', 'pa\\"ss/word', 'pa%22ss%2Fword', ..., 'cGEic3Mvd29yZA', ...]
 * ```
 */
export function redactionForms(value: string): string[] {
  if (codePoints(value) < MIN_REDACTED_LENGTH) return [];
  const candidates = [
    value,
    ...lineForms(value),
    jsonBody(value),
    asciiJsonBody(value),
    htmlSafeJsonBody(value),
    pythonReprBody(value),
    pythonAsciiBody(value),
    inspectBody(value),
    percentEncoded(value, URI_COMPONENT_SAFE, false),
    percentEncoded(value, PYTHON_QUOTE_SAFE, false),
    percentEncoded(value, PYTHON_QUOTE_PLUS_SAFE, true),
    percentEncoded(value, FORM_SAFE, true),
    ...base64Forms(value),
  ];
  const forms = new Set<string>();
  for (const form of candidates) if (codePoints(form) >= MIN_REDACTED_LENGTH) forms.add(form);
  return [...forms];
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

// --- lines -----------------------------------------------------------------------------------

/**
 * A PEM encapsulation boundary (`-----BEGIN PRIVATE KEY-----`): public by nature, the same in
 * every key, and in every certificate an agent may legitimately print.
 */
const PEM_BOUNDARY = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;

/**
 * A line break, or the escaped `\n` of a JSON document held as a value (a cloud service account's
 * key file holds its PEM key on one line, with `\n` between the PEM's lines).
 */
const LINE_BREAK = /\r*\n|\\n/;

const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Each line of a multi-line value, without the spaces around it, and its escaped forms: printed
 * alone, or as the one-piece-per-line that `util.inspect` and `pprint` make of a multi-line string
 * in a container. Left out: PEM boundaries and lines without a letter or digit (`},`, `-----`),
 * public by nature and common in any output; lines too short are dropped later.
 */
function lineForms(value: string): string[] {
  const lines = value.split(LINE_BREAK);
  if (lines.length < 2) return [];
  const forms: string[] = [];
  for (const untrimmed of lines) {
    const line = untrimmed.trim();
    if (PEM_BOUNDARY.test(line) || !HAS_LETTER_OR_DIGIT.test(line)) continue;
    forms.push(
      line,
      jsonBody(line),
      asciiJsonBody(line),
      pythonReprBody(line),
      pythonAsciiBody(line),
      inspectBody(line),
    );
  }
  return forms;
}

// --- JSON and Python string literals ---------------------------------------------------------

/** What `JSON.stringify` writes between the quotes (also Python's `ensure_ascii=False`). */
function jsonBody(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** Python's default `json.dumps`: everything outside printable ASCII as `\uXXXX`, lowercase. */
function asciiJsonBody(value: string): string {
  return jsonBody(value).replace(/[^\x20-\x7e]/g, (unit) => unicodeEscape(unit.charCodeAt(0)));
}

/** Go's `encoding/json`: also `<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX`. */
function htmlSafeJsonBody(value: string): string {
  return jsonBody(value).replace(/[<>&\u2028\u2029]/g, (unit) => unicodeEscape(unit.charCodeAt(0)));
}

/** `\uXXXX` of one UTF-16 unit (a character beyond U+FFFF is two, as JSON writes it). */
function unicodeEscape(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, '0')}`;
}

/**
 * Python's `repr(str)` between its quotes (CPython's unicode_repr): single quotes unless the value
 * holds a single quote and no double quote; the quote and backslash escaped; `\t \n \r`; other
 * control characters as `\xNN`; non-ASCII as is when printable, escaped when not.
 */
function pythonReprBody(value: string): string {
  return pythonLiteralBody(value, false);
}

/** Python's `ascii(str)` between its quotes: `repr` with every non-ASCII character escaped. */
function pythonAsciiBody(value: string): string {
  return pythonLiteralBody(value, true);
}

/** Python's `str.isprintable` is false for these categories (and true for the space). */
const PYTHON_UNPRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function pythonLiteralBody(value: string, asciiOnly: boolean): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let body = '';
  for (const character of value) {
    const code = character.codePointAt(0)!;
    if (character === quote || character === '\\') body += `\\${character}`;
    else if (character === '\t') body += '\\t';
    else if (character === '\n') body += '\\n';
    else if (character === '\r') body += '\\r';
    else if (code < 0x20 || code === 0x7f) body += `\\x${hex(code, 2)}`;
    else if (code < 0x7f) body += character;
    else if (!asciiOnly && !PYTHON_UNPRINTABLE.test(character)) body += character;
    else if (code <= 0xff) body += `\\x${hex(code, 2)}`;
    else if (code <= 0xffff) body += `\\u${hex(code, 4)}`;
    else body += `\\U${hex(code, 8)}`;
  }
  return body;
}

/**
 * Node's `util.inspect(string)` between its quotes: `'` unless the value holds one, then `"`, then
 * a backtick; the chosen quote (only when all three occur) and backslash escaped; control
 * characters as `\b \t \n \f \r` or `\xNN` (uppercase hex).
 */
function inspectBody(value: string): string {
  let quote = "'";
  if (value.includes("'")) {
    if (!value.includes('"')) quote = '"';
    else if (!value.includes('`') && !value.includes('${')) quote = '`';
  }
  let body = '';
  for (const character of value) {
    const code = character.codePointAt(0)!;
    if (character === quote && quote === "'") body += "\\'";
    else if (character === '\\') body += '\\\\';
    else if (code < 0x20 || code === 0x7f)
      body += INSPECT_ESCAPES[code] ?? `\\x${hex(code, 2).toUpperCase()}`;
    else body += character;
  }
  return body;
}

const INSPECT_ESCAPES: Readonly<Record<number, string>> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
};

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

// --- percent-encoding ------------------------------------------------------------------------

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Left as is by `encodeURIComponent`. */
const URI_COMPONENT_SAFE = new Set(`${ALPHANUMERIC}-_.!~*'()`);
/** Left as is by Python's `urllib.parse.quote` (its default `safe='/'`). */
const PYTHON_QUOTE_SAFE = new Set(`${ALPHANUMERIC}_.-~/`);
/** Left as is by `quote_plus` (`safe=''`; the space becomes `+`). */
const PYTHON_QUOTE_PLUS_SAFE = new Set(`${ALPHANUMERIC}_.-~`);
/** Left as is by `URLSearchParams` and HTML forms (application/x-www-form-urlencoded). */
const FORM_SAFE = new Set(`${ALPHANUMERIC}*-._`);

/** Percent-encodes the UTF-8 bytes of `value` that are not in `safe` (uppercase hex, as all four do). */
function percentEncoded(value: string, safe: ReadonlySet<string>, spaceAsPlus: boolean): string {
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const character = String.fromCharCode(byte);
    if (byte < 0x80 && safe.has(character)) encoded += character;
    else if (byte === 0x20 && spaceAsPlus) encoded += '+';
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

// --- base64 ----------------------------------------------------------------------------------

/** Bits per base64 character, and per byte. */
const BASE64_BITS = 6;
const BYTE_BITS = 8;

/**
 * The base64 and base64url text that encodes `value` wherever it sits in the encoded data: a value
 * preceded by k bytes (k = 0, 1, 2 modulo 3, as in `"user:" + value`) is encoded differently for
 * each k. For each k, only the characters whose 6 bits all come from the value are kept (the ones
 * at the edges mix in the neighbouring bytes), so the form matches with or without padding and
 * whatever surrounds the value.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (const before of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
    const first = Math.ceil((before * BYTE_BITS) / BASE64_BITS);
    const end = Math.floor(((before + bytes.length) * BYTE_BITS) / BASE64_BITS);
    const stable = encoded.slice(first, end);
    forms.push(stable, stable.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return forms;
}
