/**
 * @module dotenv
 * Parses the dotenv files `iron-secrets import FILE` reads, the way users of dotenv, dotenvx and
 * docker compose expect:
 *
 * - One `NAME=value` per line. Blank lines and lines whose first non-blank character is `#` are
 *   skipped. An optional `export ` prefix and spaces around the name and the `=` are allowed.
 *   `NAME=` gives the empty string (the caller decides whether that is allowed).
 * - Unquoted values are trimmed. A `#` after a space or tab starts a comment; any other `#` is
 *   literal, so `URL=https://example.com/#frag` keeps its fragment.
 * - `'single'` and `` `backtick` `` quoted values are literal (no escapes) and may span lines.
 * - `"double"` quoted values may span lines and understand `\n \r \t \" \\ \$` and `` \` ``; a
 *   backslash before a line end joins the lines (both are dropped), as in a shell; any other
 *   backslash is kept together with the character after it.
 * - Nothing is expanded: `${OTHER}` and `$(cmd)` stay exactly as written, so importing a file never
 *   reads the environment or runs a command.
 * - After a closing quote only spaces, tabs and a `# comment` may follow.
 * - A leading UTF-8 BOM is ignored and `\r\n` line ends count as `\n` (never part of a value).
 *
 * Names follow the secret name rule `[A-Za-z_][A-Za-z0-9_]*` (at most 256 characters) and may be
 * assigned once. The parser is a hand-written single pass with no backtracking regex, so hostile input
 * costs linear time. Errors give the 1-based line and what was expected, never a value or the raw
 * line: the file holds secrets and error messages end up in terminals, CI logs and bug reports.
 */

/**
 * The largest input {@link parseDotenv} accepts, in UTF-16 characters. A string this long is at
 * least this many UTF-8 bytes, so the cap is also a byte cap.
 *
 * @example
 * ```ts
 * if ((await stat(file)).size > MAX_DOTENV_BYTES) throw new Error('file too large');
 * ```
 */
export const MAX_DOTENV_BYTES = 16 * 1024 * 1024;

const MAX_NAME_LENGTH = 256;
// Anchored and without nested quantifiers: linear time even on a hostile name.
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A Map, not an object literal, so `\constructor`-style lookups cannot hit Object.prototype.
const DOUBLE_QUOTE_ESCAPES = new Map([
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['"', '"'],
  ['\\', '\\'],
  ['$', '$'],
  // The last two as a POSIX shell reads double quotes, so a file `export` writes means the same
  // to `import` and to `set -a; . file`.
  ['`', '`'],
  ['\n', ''],
]);

/**
 * One assignment of a dotenv file.
 *
 * @example
 * ```ts
 * const [entry] = parseDotenv('API_KEY=abc\n'); // { name: 'API_KEY', value: 'abc', line: 1 }
 * ```
 */
export interface DotenvEntry {
  readonly name: string;
  readonly value: string;
  /** The 1-based line where the assignment starts (a multi-line value starts here too). */
  readonly line: number;
}

/**
 * A dotenv file that cannot be parsed: `line` is 1-based; the message never contains a value.
 * The `message` is `line N: <message>`, or just `<message>` for line 0 (the whole file).
 *
 * @example
 * ```ts
 * try { parseDotenv(text); } catch (error) {
 *   if (error instanceof DotenvSyntaxError) console.error(`${file}: ${error.message}`);
 * }
 * ```
 */
export class DotenvSyntaxError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = new.target.name;
    this.line = line;
  }
}

/**
 * Parses dotenv text. Throws the first DotenvSyntaxError (see {@link scanDotenv} for all of them).
 * Later duplicates of a name are an error (say which line defined it first).
 *
 * @example
 * ```ts
 * parseDotenv('export A=1 # one\nB="x\\ny"\n');
 * // [{ name: 'A', value: '1', line: 1 }, { name: 'B', value: 'x\ny', line: 2 }]
 * ```
 */
export function parseDotenv(text: string): DotenvEntry[] {
  const { entries, errors } = scanDotenv(text);
  if (errors[0] !== undefined) throw errors[0];
  return entries;
}

/**
 * What {@link scanDotenv} read: every well-formed assignment, and one error per malformed line.
 *
 * @example
 * ```ts
 * const { entries, errors } = scanDotenv('A=1\n9B=2\nC=3\n'); // A and C; an error for line 2
 * ```
 */
export interface DotenvScan {
  readonly entries: DotenvEntry[];
  readonly errors: DotenvSyntaxError[];
}

/**
 * Parses dotenv text, going on after a malformed line so that every such line is reported at once.
 * A malformed line is left out (an unclosed quote: only the line where it opens) and reading
 * resumes at the next line. Throws DotenvSyntaxError only for a file over {@link MAX_DOTENV_BYTES}.
 *
 * @example
 * ```ts
 * const { errors } = scanDotenv(text);
 * for (const error of errors) console.error(error.message); // "line 3: expected NAME=value"
 * ```
 */
export function scanDotenv(text: string): DotenvScan {
  if (text.length > MAX_DOTENV_BYTES) {
    throw new DotenvSyntaxError(0, `the file is larger than ${MAX_DOTENV_BYTES} bytes`);
  }
  // Normalising \r\n once means no value, quoted or not, can ever end with a Windows line end's \r.
  const src = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replaceAll('\r\n', '\n');
  const entries: DotenvEntry[] = [];
  const errors: DotenvSyntaxError[] = [];
  const firstLine = new Map<string, number>();
  let pos = 0;
  let line = 1;
  while (pos < src.length) {
    const eol = endOfLine(src, pos);
    const fail = (at: number, message: string, resume: number) => {
      errors.push(new DotenvSyntaxError(at, message));
      pos = resume + 1;
      line = at + 1;
    };
    let i = skipBlanks(src, pos, eol);
    if (i === eol || src[i] === '#') {
      pos = eol + 1;
      line++;
      continue;
    }
    if (src.startsWith('export', i) && isBlank(src[i + 6])) {
      const afterExport = skipBlanks(src, i + 6, eol);
      // `export = 1` assigns the name `export`; only `export NAME=...` is the shell prefix.
      if (src[afterExport] !== '=') i = afterExport;
    }
    const eq = indexIn(src, '=', i, eol);
    const name = eq === -1 ? '' : src.slice(i, trimEnd(src, i, eq));
    if (name === '') {
      fail(line, 'expected NAME=value', eol);
      continue;
    }
    if (name.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(name)) {
      fail(
        line,
        'a name must start with a letter or underscore, contain only letters, digits and underscores, ' +
          `and be at most ${MAX_NAME_LENGTH} characters`,
        eol,
      );
      continue;
    }
    // Safe to echo: the name passed the rule above and names are not secret.
    const previous = firstLine.get(name);
    if (previous !== undefined) {
      fail(line, `${name} is already defined on line ${previous}`, eol);
      continue;
    }

    const start = line;
    const v = skipBlanks(src, eq + 1, eol);
    const quote = src[v];
    let value: string;
    if (quote === '"' || quote === "'" || quote === '`') {
      const closed = quote === '"' ? readDoubleQuoted(src, v + 1) : readLiteral(src, v + 1, quote);
      if (closed === undefined) {
        fail(start, 'the quoted value starting here is never closed', eol);
        continue;
      }
      value = closed.value;
      line += countNewlines(src, v, closed.end);
      const closeEol = endOfLine(src, closed.end + 1);
      const after = skipBlanks(src, closed.end + 1, closeEol);
      if (after !== closeEol && src[after] !== '#') {
        fail(line, 'unexpected text after the closing quote', closeEol);
        continue;
      }
      pos = closeEol + 1;
    } else {
      // Only a `#` after a blank opens a comment, so `a#b` and `http://x/#frag` stay whole.
      let stop = eol;
      for (let j = v; j < eol; j++) {
        if (src[j] === '#' && isBlank(src[j - 1])) {
          stop = j;
          break;
        }
      }
      value = src.slice(v, trimEnd(src, v, stop));
      pos = eol + 1;
    }
    entries.push({ name, value, line: start });
    firstLine.set(name, start);
    line++;
  }
  return { entries, errors };
}

/** The end of a double-quoted value starting at `from` (after the quote), or undefined if unclosed. */
function readDoubleQuoted(src: string, from: number): { value: string; end: number } | undefined {
  let value = '';
  let chunk = from;
  for (let j = from; j < src.length; j++) {
    const c = src[j];
    if (c === '"') return { value: value + src.slice(chunk, j), end: j };
    if (c !== '\\') continue;
    const escaped = DOUBLE_QUOTE_ESCAPES.get(src[j + 1] ?? '');
    // Unknown sequences stay as written (backslash and character) so Windows paths and regexes survive.
    if (escaped !== undefined) {
      value += src.slice(chunk, j) + escaped;
      chunk = j + 2;
    }
    j++;
  }
  return undefined;
}

function readLiteral(src: string, from: number, quote: string): { value: string; end: number } | undefined {
  const end = src.indexOf(quote, from);
  return end === -1 ? undefined : { value: src.slice(from, end), end };
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

function endOfLine(src: string, from: number): number {
  const eol = src.indexOf('\n', from);
  return eol === -1 ? src.length : eol;
}

function skipBlanks(src: string, from: number, to: number): number {
  let i = from;
  while (i < to && isBlank(src[i])) i++;
  return i;
}

/** The index just after the last non-blank character of `src[from, to)`. */
function trimEnd(src: string, from: number, to: number): number {
  let end = to;
  while (end > from && isBlank(src[end - 1])) end--;
  return end;
}

// Bounded by `to` so a line without `=` never scans the rest of the file.
function indexIn(src: string, c: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (src[i] === c) return i;
  return -1;
}

function countNewlines(src: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (src[i] === '\n') count++;
  return count;
}
