/**
 * @module dotenv
 * The dotenv parser `iron-secrets import FILE` reads files with, as an entry of the CLI package
 * (`@iron/secrets-cli/dotenv`) so that the reliability suite fuzzes the very parser the command
 * uses, by package name. The rules it follows are in `lib/dotenv.ts`.
 *
 * @example
 * ```ts
 * import { parseDotenv } from '@iron/secrets-cli/dotenv';
 * parseDotenv('export A=1 # one\n'); // [{ name: 'A', value: '1', line: 1 }]
 * ```
 */
export type { DotenvEntry, DotenvScan } from './lib/dotenv.js';
export { DotenvSyntaxError, MAX_DOTENV_BYTES, parseDotenv, scanDotenv } from './lib/dotenv.js';
