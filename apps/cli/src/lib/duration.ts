/**
 * @module duration
 * Durations as operators type them (`90d`, `24h`, `30m`, `2w`, `1h30m`): core's parser, which the
 * API uses too, with its refusal turned into a usage error naming the flag.
 */
import { isIronSecretsError, parseDuration as parseCoreDuration } from '@iron/secrets-core';
import { CliError } from './cli-error.js';

/**
 * Seconds in a duration such as `90d` or `1h30m`; a usage error naming `flag` otherwise.
 *
 * @example
 * ```ts
 * parseDuration('90d', '--expires-in'); // 7776000
 * ```
 */
export function parseDuration(text: string, flag: string): number {
  try {
    return parseCoreDuration(text, flag);
  } catch (error) {
    if (isIronSecretsError(error)) throw new CliError('USAGE', error.message);
    throw error;
  }
}
