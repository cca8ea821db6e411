/**
 * @module report-error
 * Every failure ends here: one line `error: <message> (<CODE>)` on stderr, a hint line where one
 * helps, and the documented exit status. No stack trace unless IRON_SECRETS_DEBUG=1. Messages
 * come from the library and the CLI, which never put a value, key or token in one.
 */
import { isIronSecretsError } from '@iron/secrets-core';
import { CliError } from './cli-error.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { type Io, note } from './io.js';
import type { DatabaseLocation } from './locations.js';
import { storageHint } from './storage-hint.js';
import { painterFor } from './style.js';

/** What to suggest after a library error, by code. */
const HINTS: Partial<Record<string, string>> = {
  MASTER_KEY_NOT_FOUND:
    'create a key with: export IRON_CAGE_MASTER_KEY="$(iron-secrets keygen)" (and keep a copy safe: without it nothing can be decrypted)',
  INVALID_MASTER_KEY: 'a master key is base64 of 32 bytes; make one with `iron-secrets keygen`',
  MASTER_KEY_MISMATCH:
    'after a `master-key rotate`, use the key it printed (or IRON_CAGE_NEW_MASTER_KEY); otherwise check --db and IRON_SECRETS_DB',
  SECRET_NOT_FOUND: '`iron-secrets list --env <environment>` shows what an environment holds',
  TOKEN_NOT_FOUND: '`iron-secrets token list` shows every token id',
  DECRYPTION_FAILED:
    'the stored ciphertext does not open with this key: the database may have been tampered with; run `iron-secrets audit verify` and restore from a backup',
  INTEGRITY_VIOLATION:
    'restore the database from a backup; `iron-secrets audit verify` shows what else is affected',
  SCHEMA_TOO_NEW: 'this database was written by a newer version of iron-secrets; upgrade to use it',
};

/**
 * Reports `error` on stderr and returns the exit status for it. `database` is where the command
 * looked for the database, for the hint after a storage failure.
 */
export function reportError(io: Io, error: unknown, database?: () => DatabaseLocation): number {
  const paint = painterFor(io, io.stderr);
  const debug = io.env.IRON_SECRETS_DEBUG === '1';
  let code: string;
  let message: string;
  let hint: string | undefined;
  let exitCode: number;
  if (error instanceof CliError) {
    ({ code, message, hint, exitCode } = error);
  } else if (isIronSecretsError(error)) {
    code = error.code;
    message = error.message;
    hint =
      code === 'STORAGE_FAILED' || code === 'STORAGE_UNAVAILABLE'
        ? storageHint(error, database?.())
        : HINTS[code];
    exitCode = exitCodeFor(code);
  } else {
    code = 'INTERNAL';
    message = `unexpected failure${error instanceof Error ? `: ${error.message}` : ''}`;
    hint = 'run again with IRON_SECRETS_DEBUG=1 for details, and report it if it persists';
    exitCode = ExitCode.Error;
  }
  note(io, `${paint('red', 'error:')} ${message} (${code})`);
  if (hint !== undefined) note(io, `${paint('dim', 'hint:')} ${hint}`);
  if (debug && error instanceof Error && error.stack) note(io, error.stack);
  return exitCode;
}
