/**
 * @module errors
 * One error class for everything the library refuses, with a stable `code` to switch on.
 * Messages say what was expected and how to fix it; they never contain a secret value, a key or
 * a token.
 */
import type { StorageFailure } from '@iron/secrets-storage';

/**
 * Every code an {@link IronSecretsError} can carry. Apps map them to exit codes and HTTP statuses;
 * they never change meaning.
 */
export type ErrorCode =
  /** Neither `IRON_CAGE_MASTER_KEY` nor `IRON_CAGE_MASTER_KEY_FILE` is set (FR-1.3). */
  | 'MASTER_KEY_NOT_FOUND'
  /** The master key is not base64 of exactly 32 bytes, or its file cannot be read (FR-1.2). */
  | 'INVALID_MASTER_KEY'
  /** The database was initialised with a different master key (R6). */
  | 'MASTER_KEY_MISMATCH'
  | 'ENCRYPTION_FAILED'
  /** Wrong key or tampered ciphertext: nothing is returned (FR-2.5). */
  | 'DECRYPTION_FAILED'
  | 'KEY_DERIVATION_FAILED'
  /** The requester's role or scope does not allow this (FR-6.4). */
  | 'ACCESS_DENIED'
  | 'SECRET_NOT_FOUND'
  /** The name is taken in that environment (R1). */
  | 'SECRET_ALREADY_EXISTS'
  /** No environment was given and the name exists in several (R1). */
  | 'AMBIGUOUS_ENVIRONMENT'
  | 'INVALID_SECRET_NAME'
  /**
   * The name is one a loader, runtime, shell, TLS stack, git or Iron Secrets reads to decide what
   * code to load, what to trust or where to send traffic (R10): never stored, never injected.
   */
  | 'RESERVED_SECRET_NAME'
  | 'INVALID_SECRET_VALUE'
  | 'INVALID_ENVIRONMENT'
  /** The requester is not a role or a well-formed `{ role, ... }` object. */
  | 'INVALID_REQUESTER'
  /** Another argument is malformed (a limit, a date, an option). */
  | 'INVALID_ARGUMENT'
  /** The secret kept changing under an update; nothing was written. */
  | 'CONCURRENT_MODIFICATION'
  /**
   * An update with `ifMatch` found the secret in another state than the tag names (or gone):
   * someone else wrote it since it was read; nothing was written.
   */
  | 'PRECONDITION_FAILED'
  /** The database cannot be opened or used. */
  | 'STORAGE_UNAVAILABLE'
  /** The database refused an operation (a lock held too long, a full disk). */
  | 'STORAGE_FAILED'
  /** The database was written by a newer version of Iron Secrets. */
  | 'SCHEMA_TOO_NEW'
  /** The database schema was changed by hand. */
  | 'SCHEMA_MISMATCH'
  /** The database's schema is behind this version: run `iron-secrets migrate` (PostgreSQL). */
  | 'SCHEMA_OUTDATED'
  /** The database's bookkeeping was tampered with (a settings row removed or edited). */
  | 'INTEGRITY_VIOLATION'
  /** The SecretsManager was closed. */
  | 'MANAGER_CLOSED'
  /** An access token is malformed, unknown, revoked or expired. */
  | 'INVALID_TOKEN'
  /** No access token has that id. */
  | 'TOKEN_NOT_FOUND';

/**
 * Which part of an operation's input an {@link IronSecretsError} is about: positions and field
 * names only, never a value. Every property is optional; more may be added, none will change
 * meaning.
 *
 * @example
 * ```ts
 * // importSecrets([{ name: 'A', value: 'x' }, { name: 'bad name', value: 'y' }], 'production')
 * error.details; // { entry: 2, field: 'name' }
 * ```
 */
export interface ErrorDetails {
  /** The 1-based position of the entry of a batch (`importSecrets`) that was refused. */
  readonly entry?: number;
  /** The field of that entry that was refused. */
  readonly field?: 'name' | 'value';
}

/**
 * The error every operation of the library throws. `code` is stable; `message` is for people.
 *
 * @example
 * ```ts
 * try {
 *   await manager.getSecret('OPENAI_API_KEY', 'viewer', { environment: 'production' });
 * } catch (error) {
 *   if (error instanceof IronSecretsError && error.code === 'SECRET_NOT_FOUND') { ... }
 * }
 * ```
 */
export class IronSecretsError extends Error {
  readonly code: ErrorCode;
  /**
   * Where in the input the error was found, for callers that point at it in their own terms (the
   * CLI turns an import's entry into a line of the file): read these, never the message. Empty
   * when the error is not about one part of the input; never holds a value.
   */
  readonly details: ErrorDetails;
  /**
   * For `STORAGE_FAILED` and `STORAGE_UNAVAILABLE` caused by the database driver: what kind of
   * failure it was (`busy`, `read-only`, `disk-full`, `connection`, `other`) and the driver's own
   * code (`SQLITE_FULL`, SQLSTATE `25006`, `EROFS`), a fixed word safe to log, unlike a driver's
   * message. Undefined otherwise.
   */
  readonly failure: StorageFailure | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; failure?: StorageFailure | undefined; details?: ErrorDetails },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.failure = options?.failure;
    this.details = Object.freeze({ ...options?.details });
  }
}

/**
 * Whether `error` is an {@link IronSecretsError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isIronSecretsError(error, 'ACCESS_DENIED')) return 403;
 * ```
 */
export function isIronSecretsError(error: unknown, code?: ErrorCode): error is IronSecretsError {
  return error instanceof IronSecretsError && (code === undefined || error.code === code);
}
