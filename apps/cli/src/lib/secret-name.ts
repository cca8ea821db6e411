/**
 * @module secret-name
 * Checking a secret name before anything else happens (before a prompt, before the database is
 * opened), with the library's rule and without echoing what was typed.
 */
import { MAX_SECRET_NAME_LENGTH, SECRET_NAME_PATTERN } from '@iron/secrets-core';
import { CliError } from './cli-error.js';

/** INVALID_SECRET_NAME (exit 2) unless `name` is a valid secret name. */
export function assertSecretName(name: string): void {
  if (name.length > MAX_SECRET_NAME_LENGTH || !SECRET_NAME_PATTERN.test(name)) {
    throw new CliError(
      'INVALID_SECRET_NAME',
      `secret names are 1 to ${MAX_SECRET_NAME_LENGTH} characters: a letter or underscore, then letters, digits or underscores (like OPENAI_API_KEY)`,
    );
  }
}

/** The name for a hint, only if it is one (a value typed in its place must not be echoed). */
export function nameForHint(name: string): string {
  return SECRET_NAME_PATTERN.test(name) && name.length <= 64 ? name : 'NAME';
}
