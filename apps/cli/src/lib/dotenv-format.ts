/**
 * @module dotenv-format
 * Writing secrets as a dotenv file that {@link parseDotenv} (and dotenv, dotenvx, docker compose)
 * read back to the same values.
 */

/**
 * One `NAME=value` line (or several, for a multi-line value in double quotes). Single quotes when
 * the value allows them: nothing inside is interpreted by any dotenv reader or shell. Otherwise
 * double quotes with `\\`, `"`, `$`, newline and carriage return escaped, so that no reader
 * expands a `${VAR}` inside a value.
 *
 * @example
 * ```ts
 * formatDotenvLine('A', "it's"); // 'A="it\'s"'
 * ```
 */
export function formatDotenvLine(name: string, value: string): string {
  if (!/['\n\r]/.test(value)) return `${name}='${value}'`;
  const escaped = value
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('$', '\\$')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r');
  return `${name}="${escaped}"`;
}
