/**
 * @module dotenv-format
 * Writing secrets as a dotenv file that three readers read to exactly the stored values: this
 * command line's `import` ({@link parseDotenv}), the `dotenv` npm package's `parse`, and a POSIX
 * shell sourcing it (`set -a; . ./file` in bash, dash or zsh), which runs nothing in it.
 */
import { CliError } from './cli-error.js';

/**
 * One `NAME=value` assignment (over several lines when the value holds newlines).
 *
 * Single quotes whenever the value allows them: a shell and every dotenv reader take what is
 * inside literally, so nothing in the value can be a command, a variable or an escape. A value
 * with `'` (single quotes cannot hold one) is double-quoted when it holds none of the characters
 * a shell interprets there (`\`, `"`, `$` and the backtick), so that it is literal there too.
 *
 * What is left cannot be written so that all three read it the same, and is refused (USAGE, use
 * `--format json`): a value holding `'` together with one of `\ " $` and the backtick (dotenv has
 * no escape for a quote; a shell interprets the others inside double quotes); a value holding a
 * carriage return (dotenv reads a raw one as a line end, and only dotenv reads `\r` as one); and
 * a value ending in a backslash (dotenv reads `\'` before the closing quote as part of the value).
 *
 * @example
 * ```ts
 * formatDotenvLine('A', 'plain $HOME `x`'); // "A='plain $HOME `x`'"
 * formatDotenvLine('A', "it's # fine");     // 'A="it\'s # fine"'
 * formatDotenvLine('A', "it's $HOME");      // throws CliError (USAGE)
 * ```
 */
export function formatDotenvLine(name: string, value: string): string {
  const why = unwritableReason(value);
  if (why !== undefined) throw unwritable([{ name, why }]);
  return value.includes("'") ? `${name}="${value}"` : `${name}='${value}'`;
}

/**
 * Refuses (USAGE, before anything is printed) when any of `secrets` has a value
 * {@link formatDotenvLine} cannot write, naming every such secret and why.
 *
 * @example
 * ```ts
 * assertDotenvWritable(secrets); // throws: the values of A, B cannot be written as dotenv ...
 * ```
 */
export function assertDotenvWritable(secrets: readonly { name: string; value: string }[]): void {
  const refused = secrets.flatMap(({ name, value }) => {
    const why = unwritableReason(value);
    return why === undefined ? [] : [{ name, why }];
  });
  if (refused.length > 0) throw unwritable(refused);
}

function unwritable(refused: readonly { name: string; why: string }[]): CliError {
  const [only] = refused;
  const message =
    refused.length === 1 && only !== undefined
      ? `the value of ${only.name} cannot be written as dotenv that ${READERS}: it ${only.why}`
      : `the values of ${refused.map((r) => r.name).join(', ')} cannot be written as dotenv that ${READERS} (${refused.map((r) => `${r.name} ${r.why}`).join('; ')})`;
  return new CliError('USAGE', message, {
    hint: 'export with --format json (or --json) instead; nothing was written',
  });
}

const READERS = 'dotenv, `import` and a shell all read the same';

/** Why `value` has no dotenv form that every reader reads exactly, or undefined when it has one. */
export function unwritableReason(value: string): string | undefined {
  if (value.includes('\r')) return 'holds a carriage return';
  if (value.endsWith('\\')) return 'ends with a backslash';
  if (value.includes("'") && SHELL_SPECIAL_IN_DOUBLE_QUOTES.test(value)) {
    return 'holds a single quote together with one of \\ " $ `';
  }
  return undefined;
}

/** What a POSIX shell still interprets inside double quotes (and `"`, which would end them). */
const SHELL_SPECIAL_IN_DOUBLE_QUOTES = /[\\"$`]/;
