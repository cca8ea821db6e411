/**
 * Finding 7 of issue 14: every code of the library's ErrorCode has a decided HTTP status. The
 * expected table is typed `Record<ErrorCode, number>`, so a code added to the library without a
 * decision here fails to compile, as the API's own table does.
 */
import { type ErrorCode, IronSecretsError } from '@iron/secrets-core';
import { describe, expect, it } from 'vitest';
import { call, json, testApi } from './test-support.js';

const EXPECTED: Record<ErrorCode, number> = {
  // The request is at fault.
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
  // This instance cannot serve now; another instance, or this one later, can.
  STORAGE_UNAVAILABLE: 503,
  STORAGE_FAILED: 503,
  MANAGER_CLOSED: 503,
  MASTER_KEY_MISMATCH: 503,
  MASTER_KEY_NOT_FOUND: 503,
  INVALID_MASTER_KEY: 503,
  SCHEMA_OUTDATED: 503,
  SCHEMA_TOO_NEW: 503,
  // The data or the code is wrong: no retry helps, an operator must look.
  SCHEMA_MISMATCH: 500,
  INTEGRITY_VIOLATION: 500,
  ENCRYPTION_FAILED: 500,
  DECRYPTION_FAILED: 500,
  KEY_DERIVATION_FAILED: 500,
};

/** Words that would tell a client more than the code: where the data is, what broke inside. */
const INTERNAL_DETAIL = 'postgres://iron@db.internal:5432/iron row 7f3a';

describe('the status of every library error code', () => {
  for (const [code, status] of Object.entries(EXPECTED) as [ErrorCode, number][]) {
    it(`${code} -> ${status}`, async () => {
      const { app, manager, tokens, log } = await testApi();
      manager.listSecrets = () => Promise.reject(new IronSecretsError(code, `failed at ${INTERNAL_DETAIL}`));
      const response = await call(app, 'GET', '/api/secrets?environment=production', {
        token: tokens.admin,
      });
      expect(response.status).toBe(status);
      const body = await json(response);
      expect(body.error.code).toBe(code);
      if (status >= 500) {
        // A 5xx says what happened as a code, never where or how; the log has the rest.
        expect(body.error.message).not.toContain(INTERNAL_DETAIL);
        expect(log.some((line) => line.startsWith(`ERROR ${code}`))).toBe(true);
      } else {
        expect(body.error.message).toContain(INTERNAL_DETAIL);
      }
      // A 503 tells clients (and proxies) when to try again.
      expect(response.headers.get('retry-after')).toBe(status === 503 ? '1' : null);
    });
  }

  it('anything that is not a library error is a 500 INTERNAL that says nothing, logged by name only', async () => {
    const { app, manager, tokens, log } = await testApi();
    manager.listSecrets = () => Promise.reject(new SyntaxError(`Unexpected token in "${INTERNAL_DETAIL}"`));
    const response = await call(app, 'GET', '/api/secrets?environment=production', { token: tokens.admin });
    expect(response.status).toBe(500);
    expect((await json(response)).error.code).toBe('INTERNAL');
    expect(log.join('\n')).toContain('ERROR INTERNAL');
    expect(log.join('\n')).toContain('SyntaxError');
    expect(log.join('\n')).not.toContain(INTERNAL_DETAIL);
  });
});
