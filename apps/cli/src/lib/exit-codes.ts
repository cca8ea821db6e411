/**
 * @module exit-codes
 * The documented exit codes: what scripts can branch on. They never change meaning.
 */
import type { ErrorCode } from '@iron/secrets-core';

/** Exit statuses of `iron-secrets`. */
export const ExitCode = {
  Ok: 0,
  Error: 1,
  Usage: 2,
  NotFound: 3,
  AccessDenied: 4,
  MasterKey: 5,
  Integrity: 6,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Codes the CLI adds to the library's, for failures that are its own. */
export type CliErrorCode =
  | 'USAGE'
  | 'DATABASE_NOT_FOUND'
  | 'AUDIT_CHAIN_BROKEN'
  | 'CANCELLED'
  | 'INVALID_INPUT'
  /** `run --server`: the server cannot be reached, or answered neither values nor 401/403. */
  | 'SERVER_UNAVAILABLE'
  | 'INTERNAL';

const BY_CODE: Partial<Record<ErrorCode | CliErrorCode, ExitCode>> = {
  USAGE: ExitCode.Usage,
  INVALID_INPUT: ExitCode.Usage,
  INVALID_ARGUMENT: ExitCode.Usage,
  INVALID_SECRET_NAME: ExitCode.Usage,
  RESERVED_SECRET_NAME: ExitCode.Usage,
  INVALID_SECRET_VALUE: ExitCode.Usage,
  INVALID_ENVIRONMENT: ExitCode.Usage,
  INVALID_REQUESTER: ExitCode.Usage,
  SECRET_NOT_FOUND: ExitCode.NotFound,
  TOKEN_NOT_FOUND: ExitCode.NotFound,
  DATABASE_NOT_FOUND: ExitCode.NotFound,
  AMBIGUOUS_ENVIRONMENT: ExitCode.NotFound,
  ACCESS_DENIED: ExitCode.AccessDenied,
  INVALID_TOKEN: ExitCode.AccessDenied,
  MASTER_KEY_NOT_FOUND: ExitCode.MasterKey,
  INVALID_MASTER_KEY: ExitCode.MasterKey,
  MASTER_KEY_MISMATCH: ExitCode.MasterKey,
  DECRYPTION_FAILED: ExitCode.Integrity,
  INTEGRITY_VIOLATION: ExitCode.Integrity,
  SCHEMA_MISMATCH: ExitCode.Integrity,
  AUDIT_CHAIN_BROKEN: ExitCode.Integrity,
};

/** The exit status for an error code; 1 for anything without a more specific one. */
export function exitCodeFor(code: string): ExitCode {
  return BY_CODE[code as ErrorCode | CliErrorCode] ?? ExitCode.Error;
}

/** The table shown in `--help` and the README. */
export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  other error (storage, concurrent change, ...)
  2  usage: unknown command or flag, bad or reserved name, environment, value or duration
  3  not found: secret, token or database
  4  access denied
  5  master key missing, invalid, or not this database's key
  6  integrity: decryption failed, audit chain broken, database tampered with`;
