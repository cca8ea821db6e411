/**
 * @module cli-error
 * Failures of the command line itself (usage, input, a missing database), with a code like the
 * library's (or one of the library's, with a CLI-specific message) and the exit status it maps to.
 */
import type { ErrorCode } from '@iron/secrets-core';
import { type CliErrorCode, exitCodeFor } from './exit-codes.js';

/**
 * An error the CLI reports as `error: <message> (<code>)`, with an optional hint line.
 *
 * @example
 * ```ts
 * throw new CliError('USAGE', 'set takes no value argument', { hint: 'pipe the value on stdin' });
 * ```
 */
export class CliError extends Error {
  readonly code: CliErrorCode | ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(
    code: CliErrorCode | ErrorCode,
    message: string,
    options: { hint?: string; exitCode?: number } = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? exitCodeFor(code);
  }
}

/**
 * Ends the program with `exitCode` and no message: the status is someone else's to report, like
 * the exit status of the agent `iron-secrets run` ran.
 */
export class ExitWith extends Error {
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}
