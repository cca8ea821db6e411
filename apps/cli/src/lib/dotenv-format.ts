/**
 * @module dotenv-format
 * Writing secrets as a dotenv file that {@link parseDotenv} reads back to the same values, and that
 * a POSIX shell can source (`set -a; . ./file` in bash, dash or zsh) without running anything in
 * it and with every value exactly as stored.
 */

/**
 * One `NAME=value` assignment (over several lines when the value holds newlines).
 *
 * Single quotes whenever the value allows them: a shell and every dotenv reader take what is
 * inside literally, so nothing in the value can be a command, a variable or an escape. Two kinds
 * of value do not allow them: one that holds `'` (single quotes cannot contain one), and one that
 * holds a CR right before a newline (the parser reads that pair as a Windows line end and would
 * drop the CR). Those are double-quoted, with the four characters a shell still interprets inside
 * double quotes escaped: `\`, `"`, `$` and the backtick (a bare backtick there is command
 * substitution: the hole issue 14 found). Newlines stay literal, as the shell keeps them; a CR
 * before a newline is followed by a backslash-newline, which shell and parser both drop, so that
 * the file never holds the CR-newline pair.
 *
 * dotenv libraries that do not unescape `\\ \" \$ \`` (the `dotenv` npm package, for one) read a
 * double-quoted value with those characters differently; single-quoted values they read exactly.
 *
 * @example
 * ```ts
 * formatDotenvLine('A', 'plain $HOME `x`'); // "A='plain $HOME `x`'"
 * formatDotenvLine('A', "it's `x`");        // 'A="it\'s \\`x\\`"'
 * ```
 */
export function formatDotenvLine(name: string, value: string): string {
  if (!value.includes("'") && !value.includes(CRLF)) return `${name}='${value}'`;
  const escaped = value
    // First, so that the backslashes added below are not doubled again.
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('$', '\\$')
    .replaceAll('`', '\\`')
    .replaceAll(CRLF, CR_THEN_CONTINUED_NEWLINE);
  return `${name}="${escaped}"`;
}

const CRLF = '\r\n';
/** CR, then a backslash-newline (removed by shell and parser alike), then the value's newline. */
const CR_THEN_CONTINUED_NEWLINE = '\r\\\n\n';
