/**
 * @module error-response
 * One table from the library's error codes to HTTP statuses, and the one JSON shape of every
 * error: `{ "error": { "code", "message" } }`. A 5xx says nothing internal.
 */
import { isIronSecretsError } from '@iron/secrets-core';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

const STATUS_BY_CODE: Readonly<Record<string, ContentfulStatusCode>> = {
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
  STORAGE_FAILED: 503,
  STORAGE_UNAVAILABLE: 503,
};

/** An error answer. */
export function errorJson(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}

/**
 * The answer to an error thrown by a handler: the library's code and message for what the
 * client got wrong; for anything else a 500 that says only that it failed.
 */
export function errorResponse(c: Context, error: unknown): Response {
  if (isIronSecretsError(error)) {
    const status = STATUS_BY_CODE[error.code];
    if (status !== undefined) {
      // A 503's message may name the database; the client needs only the code.
      const message = status >= 500 ? 'the secrets store is unavailable; try again' : error.message;
      return errorJson(c, status, error.code, message);
    }
  }
  return errorJson(c, 500, 'INTERNAL', 'the server could not complete the request');
}
