/**
 * @module error-response
 * One table from the library's error codes to HTTP statuses, and the one JSON shape of every
 * error: `{ "error": { "code", "message" } }`. A 5xx says nothing internal; it is logged instead.
 */
import { type ErrorCode, isIronSecretsError } from '@iron/secrets-core';
import type { Context } from 'hono';
import { routePath } from 'hono/route';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { StorageFailureLog } from './storage-failure-log.js';

/**
 * Every code of the library, decided. `satisfies Record<ErrorCode, ...>` makes this fail to
 * compile when the library gains a code nobody placed here: no code falls to a 500 by omission.
 *
 * - 4xx: the request is at fault.
 * - 503 (with Retry-After): this instance cannot serve now, and another instance, or this one a
 *   moment later, can. Load balancers and clients retry elsewhere, as with a sealed Vault: the
 *   database is unreachable or busy, the server is shutting down, its master key was rotated away
 *   (instances started with the new key serve) or it has none, or it and the database are at
 *   different schema versions in the middle of an upgrade (`migrate`, or the newer instances).
 * - 500: the data or the code is wrong, every instance sees the same, and only an operator can
 *   help: a schema changed by hand, tampered bookkeeping, a ciphertext that does not authenticate.
 */
const STATUS_BY_CODE = {
  INVALID_SECRET_NAME: 400,
  RESERVED_SECRET_NAME: 400,
  INVALID_SECRET_VALUE: 400,
  INVALID_ENVIRONMENT: 400,
  INVALID_ARGUMENT: 400,
  INVALID_REQUESTER: 400,
  INVALID_TOKEN: 401,
  ACCESS_DENIED: 403,
  SECRET_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  SECRET_ALREADY_EXISTS: 409,
  AMBIGUOUS_ENVIRONMENT: 409,
  CONCURRENT_MODIFICATION: 409,
  PRECONDITION_FAILED: 412,
  STORAGE_UNAVAILABLE: 503,
  STORAGE_FAILED: 503,
  MANAGER_CLOSED: 503,
  MASTER_KEY_MISMATCH: 503,
  MASTER_KEY_NOT_FOUND: 503,
  INVALID_MASTER_KEY: 503,
  SCHEMA_OUTDATED: 503,
  SCHEMA_TOO_NEW: 503,
  SCHEMA_MISMATCH: 500,
  INTEGRITY_VIOLATION: 500,
  ENCRYPTION_FAILED: 500,
  DECRYPTION_FAILED: 500,
  KEY_DERIVATION_FAILED: 500,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

/** Seconds a client should wait before retrying a 503: long enough not to hammer, short enough for a failover. */
export const RETRY_AFTER_SECONDS = 1;

/** What a client is told for a 5xx: the code says which, the message only what to do. */
const SERVER_MESSAGES: Partial<Record<ErrorCode, string>> = {
  MASTER_KEY_MISMATCH: 'this server holds a master key that was rotated away; try another instance',
  MANAGER_CLOSED: 'this server is shutting down; try again',
  SCHEMA_OUTDATED: 'this server and its database are at different versions; try again',
  SCHEMA_TOO_NEW: 'this server and its database are at different versions; try again',
};

/** Where errors are logged (never a value, a key or a token). */
export type ErrorLog = ((line: string) => void) | undefined;

/** The HTTP status of a library error code. */
export function statusOf(code: ErrorCode): ContentfulStatusCode {
  return STATUS_BY_CODE[code];
}

/** An error answer; a 503 says when to retry. */
export function errorJson(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  if (status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return c.json({ error: { code, message } }, status);
}

/**
 * The answer to an error thrown by a handler: the library's code and message for what the
 * client got wrong; for a server-side failure the code and a message that names nothing
 * internal, with the details in the log.
 */
export function errorResponse(
  c: Context,
  error: unknown,
  log: ErrorLog,
  failures?: StorageFailureLog,
): Response {
  // The route that would have answered (its pattern, never the path with a secret's name), also
  // when a middleware such as authentication threw before it ran.
  const where = `${c.req.method} ${routePath(c, -1)}`;
  if (isIronSecretsError(error)) {
    const status = statusOf(error.code);
    if (status < 500) return errorJson(c, status, error.code, error.message);
    // A database that fails (read-only, full, gone) fails every request alike: logged once per
    // cause, with the driver's code rather than its free-text message.
    if (failures?.failed(error, where)) return errorJson(c, status, error.code, serverMessage(error.code));
    // The library's messages never hold a value, a key or a token (its contract), so the log may
    // have them; the client may not: they can name the database and its host.
    log?.(`ERROR ${error.code} ${where}: ${error.message.slice(0, 500)}${hintFor(error.code)}`);
    return errorJson(c, status, error.code, serverMessage(error.code));
  }
  // Anything else is a bug. Its message is not logged: a parser's message can quote the input
  // it choked on, which may be a secret value.
  log?.(`ERROR INTERNAL ${where}: ${error instanceof Error ? error.name : typeof error}`);
  return errorJson(c, 500, 'INTERNAL', 'the server could not complete the request');
}

/** What a client may be told about a server-side failure: what to do, never where or how it broke. */
export function serverMessage(code: ErrorCode): string {
  return (
    SERVER_MESSAGES[code] ??
    (statusOf(code) === 503
      ? 'the secrets store is unavailable; try again'
      : 'the server could not complete the request')
  );
}

function hintFor(code: ErrorCode): string {
  return code === 'MASTER_KEY_MISMATCH'
    ? ' (the master key was rotated by another process: restart this server with the new key)'
    : '';
}
