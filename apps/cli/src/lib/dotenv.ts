/**
 * @module dotenv
 * Parses the dotenv files `iron-secrets import FILE` reads. Every assignment it accepts is read
 * exactly as the `dotenv` npm package's `parse` reads it (the reading most `.env` files are written
 * for); a line that the two would read differently is refused as malformed, saying why, rather
 * than imported with a value the file's author did not mean. What is accepted:
 *
 * - One `NAME=value` per line. Blank lines and lines whose first non-blank character is `#` are
 *   skipped. An optional `export ` prefix and spaces or tabs around the name and the `=` are allowed.
 *   `NAME=` gives the empty string (the caller decides whether that is allowed).
 * - Unquoted values are trimmed and end at a `#` that follows a blank (`A=b # note` is `b`). A `#`
 *   anywhere else in an unquoted value is refused: dotenv ends the value there (`https://x/#frag`
 *   would become `https://x/`), shells and docker compose do not; quote such a value.
 * - `'single'` and `` `backtick` `` quoted values are literal and may span lines.
 * - `"double"` quoted values may span lines; `\n` and `\r` in them are a newline and a carriage
 *   return, and any other backslash is kept as written, as dotenv reads them. `\t \" \\ \$`, `` \` ``
 *   and a backslash before a line end are refused: dotenv keeps them as written while shells,
 *   docker compose and earlier versions of this parser unescape them.
 * - A backslash right before a closing quote is refused: dotenv reads `\'` as a quote inside the
 *   value and looks for the end further on.
 * - Nothing is expanded: `${OTHER}` and `$(cmd)` stay exactly as written, so importing a file never
 *   reads the environment or runs a command.
 * - After a closing quote only spaces, tabs and a `# comment` may follow.
 * - A leading UTF-8 BOM is ignored; `\r\n` and a lone `\r` are line ends, as dotenv reads them.
 * - An unquoted value with other white space (a no-break space, a form feed...) at either end is
 *   refused: dotenv trims it, and an invisible difference in a secret is worth a question.
 *
 * Names follow the secret name rule `[A-Za-z_][A-Za-z0-9_]*` (at most 256 characters) and may be
 * assigned once: dotenv takes the last of two assignments, other readers the first, so a name
 * assigned twice is refused on both lines. The parser is a hand-written single pass with no
 * backtracking regex, so hostile input costs linear time. Errors give the 1-based line and what
 * was expected, never a value or the raw line: the file holds secrets and error messages end up in
 * terminals, CI logs and bug reports.
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
/** White space that JavaScript's trim(), and so dotenv, removes; this parser trims only spaces and tabs. */
const OTHER_WHITE_SPACE = /^\s$/;
/** Where dotenv's pattern can read a name at the start of a line. Anchored: linear. */
const DOTENV_KEY = /^\s*(?:export\s+)?[\w.-]+/;
/**
 * Backslash sequences in double quotes that dotenv keeps as written but that shells, docker
 * compose and this parser before issue 15 unescape: refused, so that no reader is surprised.
 */
const AMBIGUOUS_ESCAPES = new Set(['t', '"', '\\', '$', '`', '\n']);

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
 * The `message` is `line N: <message>`, `lines N-M: <message>` for a value over several lines, or
 * just `<message>` for line 0 (the whole file).
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
  /** The last line the malformed assignment covers (a quoted value can span lines); `line` or more. */
  readonly lastLine: number;

  constructor(line: number, message: string, lastLine = line) {
    super(
      line <= 0
        ? message
        : lastLine > line
          ? `lines ${line}-${lastLine}: ${message}`
          : `line ${line}: ${message}`,
    );
    this.name = new.target.name;
    this.line = line;
    this.lastLine = Math.max(line, lastLine);
  }
}

/**
 * Parses dotenv text. Throws the first DotenvSyntaxError (see {@link scanDotenv} for all of them).
 * A name assigned twice is an error (saying which line assigned it first).
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
 * A malformed assignment is left out with the lines its quoted value covers (an unclosed quote:
 * only the line where it opens) and reading resumes after them. Throws DotenvSyntaxError only for a file over {@link MAX_DOTENV_BYTES}.
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
  // dotenv reads \r\n and a lone \r as a line end; so does this parser, so that no value keeps a
  // \r that dotenv would read as a newline (in a file, a CR in a value can only be \r in double
  // quotes, which only dotenv reads as one: export refuses such a value).
  const src = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const entries: DotenvEntry[] = [];
  const errors: DotenvSyntaxError[] = [];
  // Every name assigned on a line, accepted or refused: dotenv takes the last assignment, other
  // readers the first, so a name assigned twice is imported from neither line.
  const firstLine = new Map<string, number>();
  const assignedTwice = new Set<string>();
  let pos = 0;
  let line = 1;
  while (pos < src.length) {
    const eol = endOfLine(src, pos);
    /** Records an error for this line up to the line ending at `spanEnd`, and resumes after it. */
    const fail = (message: string, spanEnd = eol) => {
      // Every line of the span may start a reading of dotenv's that runs on further.
      for (let at = pos; at <= spanEnd && at < src.length; ) {
        const lineEnd = endOfLine(src, at);
        spanEnd = Math.max(spanEnd, dotenvSpanEnd(src, at, lineEnd));
        at = lineEnd + 1;
      }
      const last = line + countNewlines(src, pos, spanEnd);
      errors.push(new DotenvSyntaxError(line, message, last));
      pos = spanEnd + 1;
      line = last + 1;
    };
    let i = skipBlanks(src, pos, eol);
    if (i === eol || src[i] === '#') {
      if (i !== eol && hasSeparator(src, i, eol)) {
        fail(SEPARATOR_IN_COMMENT);
        continue;
      }
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
      fail('expected NAME=value');
      continue;
    }
    if (name.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(name)) {
      fail(
        'a name must start with a letter or underscore, contain only letters, digits and underscores, ' +
          `and be at most ${MAX_NAME_LENGTH} characters`,
      );
      continue;
    }
    // Safe to echo from here on: the name passed the rule above and names are not secret.
    const previous = firstLine.get(name);
    if (previous === undefined) firstLine.set(name, line);
    const read = readValue(src, skipBlanks(src, eq + 1, eol), eol);
    if ('refused' in read) {
      if (previous !== undefined) assignedTwice.add(name);
      fail(read.refused, read.spanEnd);
      continue;
    }
    if (previous !== undefined) {
      assignedTwice.add(name);
      fail(
        `${name} is assigned again (first on line ${previous}): dotenv takes the last value, other readers the first; keep one`,
        read.end,
      );
      continue;
    }
    entries.push({ name, value: read.value, line });
    line += countNewlines(src, pos, read.end) + 1;
    pos = read.end + 1;
  }
  // A refused line may still assign a name for dotenv (`\u00a0A=`, `A=x#y`, a line inside a
  // refused quoted value): if it is also accepted elsewhere, dotenv's last value may be that one.
  const refusedKeys = new Map<string, number>();
  const lines = src.split('\n');
  for (const error of errors) {
    for (let n = error.line; n <= error.lastLine; n++) {
      for (const key of dotenvKeysOf(lines[n - 1] ?? '')) if (!refusedKeys.has(key)) refusedKeys.set(key, n);
    }
  }
  const accepted: DotenvEntry[] = [];
  for (const entry of entries) {
    const refusedLine = refusedKeys.get(entry.name);
    if (assignedTwice.has(entry.name)) continue;
    if (refusedLine !== undefined) {
      errors.push(
        new DotenvSyntaxError(
          entry.line,
          `${entry.name} is assigned again on line ${refusedLine}, a malformed line that dotenv may read differently; fix or remove one`,
        ),
      );
      continue;
    }
    accepted.push(entry);
  }
  errors.sort((a, b) => a.line - b.line);
  return { entries: accepted, errors };
}

/** The names dotenv could read on `line`: after white space and an optional `export `, its key characters. */
function dotenvKeysOf(line: string): string[] {
  const keys: string[] = [];
  // U+2028 and U+2029 start a line for dotenv's pattern too.
  for (const segment of line.split(/[\u2028\u2029]/)) {
    // Anchored, and each part consumes what the next cannot: linear on any line.
    const match = /^\s*(export\s+)?([\w.-]*)/.exec(segment);
    if (match === null) continue;
    if (match[2] !== '') keys.push(match[2]!);
    // `export  =1` and a failed prefix: dotenv may read `export` itself as the key.
    if (match[1] !== undefined) keys.push('export');
  }
  return keys;
}

/**
 * Where dotenv's reading of the refused line `src[pos, eol)` could end. dotenv's pattern lets white
 * space, line ends included, separate a name from `=` and `=` from a quoted value, reads `NAME:`
 * with its value on the next line, and runs a quoted value to the next quote not preceded by a
 * backslash. The lines up to there are reported with the refused one, never read on their own.
 */
function dotenvSpanEnd(src: string, pos: number, eol: number): number {
  let end = eol;
  let start = pos;
  // dotenv's pattern also starts a line after U+2028 and U+2029.
  for (const segment of src.slice(pos, eol).split(/[\u2028\u2029]/)) {
    const segmentEnd = start + segment.length;
    const key = DOTENV_KEY.exec(segment);
    if (key !== null) {
      let at = skipWhiteSpace(src, start + key[0].length, segmentEnd);
      // Nothing after the name: dotenv looks for its `=` on the lines that follow.
      if (at === segmentEnd) at = skipWhiteSpace(src, at, src.length);
      if (src[at] === '=') {
        end = Math.max(end, quotedEnd(src, at + 1));
      } else if (src[at] === ':' && at + 1 === segmentEnd && segmentEnd === eol && eol < src.length) {
        // `NAME:` at a line end: its value is the next line, or a quoted value further on.
        end = Math.max(end, endOfLine(src, eol + 1), quotedEnd(src, at + 1));
      } else if (src[at] === ':' && isWhiteSpace(src[at + 1])) {
        end = Math.max(end, quotedEnd(src, at + 1));
      }
    }
    start = segmentEnd + 1;
  }
  return end;
}

/** After dotenv's `=` at `from`: the end of the line where a quoted value it could read ends. */
function quotedEnd(src: string, from: number): number {
  const at = skipWhiteSpace(src, from, src.length);
  const quote = src[at];
  if (quote !== '"' && quote !== "'" && quote !== '`') return -1;
  const close = dotenvCloseBound(src, at + 1, quote);
  return close === -1 ? -1 : endOfLine(src, close);
}

/** The first index from `from` (before `to`) that is not white space to JavaScript (line ends are). */
function skipWhiteSpace(src: string, from: number, to: number): number {
  let i = from;
  while (i < to && isWhiteSpace(src[i])) i++;
  return i;
}

function isWhiteSpace(c: string | undefined): boolean {
  return c !== undefined && OTHER_WHITE_SPACE.test(c);
}

/**
 * The furthest quote dotenv's pattern could take as the end of a quoted value whose content starts
 * at `from`: the first one not preceded by a backslash, or without one, the last in the file (an
 * escaped quote ends the value when nothing after it can). -1 when there is no quote at all.
 */
function dotenvCloseBound(src: string, from: number, quote: string): number {
  let close = src.indexOf(quote, from);
  while (close !== -1 && src[close - 1] === '\\') close = src.indexOf(quote, close + 1);
  if (close !== -1) return close;
  const last = src.lastIndexOf(quote);
  return last >= from ? last : -1;
}

/**
 * The value starting at `v` (after `=` and blanks) on the line ending at `eol`: the value and the
 * end of its last line, or why it is refused and the end of the last line it covers (as far as
 * dotenv could read it: the lines up to there are reported with it, never read on their own).
 */
function readValue(
  src: string,
  v: number,
  eol: number,
): { value: string; end: number } | { refused: string; spanEnd: number } {
  const quote = src[v];
  if (quote !== '"' && quote !== "'" && quote !== '`') {
    // dotenv ends an unquoted value at any #; this parser (like shells) at a # after a blank. They
    // agree when the first # follows a blank (or there is none).
    const hash = indexIn(src, '#', v, eol);
    if (hash !== -1 && !isBlank(src[hash - 1])) {
      return {
        refused:
          'a # inside an unquoted value: dotenv ends the value there, other readers do not; quote the value',
        spanEnd: eol,
      };
    }
    if (hasSeparator(src, v, eol)) {
      return {
        refused:
          'a line or paragraph separator (U+2028, U+2029) in an unquoted value or its comment: dotenv reads what follows it as a new line; quote the value',
        spanEnd: eol,
      };
    }
    const value = src.slice(v, trimEnd(src, v, hash === -1 ? eol : hash));
    if (value === '' && hash === -1) {
      // dotenv looks past the line end for a quoted value: `A=` then `"x"` on a later line is A=x.
      const quoted = quotedEnd(src, eol);
      if (quoted !== -1) {
        return {
          refused:
            'nothing after = but a quoted value on a later line, which dotenv reads as this value; put the value on this line',
          spanEnd: quoted,
        };
      }
    }
    if (OTHER_WHITE_SPACE.test(value[0] ?? '') || OTHER_WHITE_SPACE.test(value.at(-1) ?? '')) {
      return {
        refused:
          'white space other than spaces and tabs at an end of an unquoted value: dotenv removes it; quote the value to keep it',
        spanEnd: eol,
      };
    }
    return { value, end: eol };
  }
  const close = src.indexOf(quote, v + 1);
  if (close === -1) return { refused: 'the quoted value starting here is never closed', spanEnd: eol };
  // A refused value is reported with every line dotenv's reading of it could cover.
  const spanEnd = endOfLine(src, Math.max(close, dotenvCloseBound(src, close, quote)));
  if (src[close - 1] === '\\') {
    return {
      refused: `a backslash right before the closing quote: dotenv reads \\${quote} as part of the value; write the value in other quotes`,
      spanEnd,
    };
  }
  const content = src.slice(v + 1, close);
  let value = content;
  if (quote === '"') {
    const ambiguous = ambiguousEscape(content);
    if (ambiguous !== undefined) {
      return {
        refused: `${ambiguous} in double quotes: dotenv keeps it as written (it unescapes only \\n and \\r), other readers unescape it; write the character itself, or single-quote the value`,
        spanEnd,
      };
    }
    // Exactly dotenv's two replacements, in its order.
    value = content.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  }
  const closeEol = endOfLine(src, close + 1);
  const after = skipBlanks(src, close + 1, closeEol);
  if (after !== closeEol && src[after] !== '#') {
    return { refused: 'unexpected text after the closing quote', spanEnd: Math.max(spanEnd, closeEol) };
  }
  if (hasSeparator(src, after, closeEol)) return { refused: SEPARATOR_IN_COMMENT, spanEnd: closeEol };
  return { value, end: closeEol };
}

/**
 * dotenv reads U+2028 and U+2029 as line ends where it looks for a line start: in a comment, what
 * follows one would be an assignment to dotenv and a comment to this parser.
 */
const SEPARATOR_IN_COMMENT =
  'a line or paragraph separator (U+2028, U+2029) in a comment: dotenv reads what follows it as a new line; remove it';

function hasSeparator(src: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (src[i] === '\u2028' || src[i] === '\u2029') return true;
  return false;
}

/** The first backslash sequence of {@link AMBIGUOUS_ESCAPES} in `content`, shown, if any. */
function ambiguousEscape(content: string): string | undefined {
  for (let j = content.indexOf('\\'); j !== -1; j = content.indexOf('\\', j + 2)) {
    const next = content[j + 1];
    if (next !== undefined && AMBIGUOUS_ESCAPES.has(next))
      return next === '\n' ? 'a backslash before a line end' : `\\${next}`;
  }
  return undefined;
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
