/**
 * Hostile and malformed requests: each gets a 4xx with the JSON error shape, never a stack trace
 * or a value, and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './app.js';
import { call, testApi } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';
const GOOD = { name: 'NEW_KEY', value: 'a-good-value-1', environment: 'staging' };

interface Case {
  readonly title: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code?: string;
}

const CASES: readonly Case[] = [
  // Bodies that are not JSON, or not the JSON we take.
  {
    title: 'invalid JSON',
    method: 'POST',
    path: '/api/secrets',
    body: '{"name":',
    status: 400,
    code: 'INVALID_JSON',
  },
  { title: 'JSON null', method: 'POST', path: '/api/secrets', body: 'null', status: 400 },
  { title: 'a JSON array', method: 'POST', path: '/api/secrets', body: '[]', status: 400 },
  { title: 'a JSON string', method: 'POST', path: '/api/secrets', body: '"x"', status: 400 },
  { title: 'an empty body', method: 'POST', path: '/api/secrets', body: '', status: 400 },
  {
    title: 'missing name',
    method: 'POST',
    path: '/api/secrets',
    body: { value: 'v-123456', environment: 'staging' },
    status: 400,
  },
  {
    title: 'missing value',
    method: 'POST',
    path: '/api/secrets',
    body: { name: 'A', environment: 'staging' },
    status: 400,
  },
  {
    title: 'missing environment',
    method: 'POST',
    path: '/api/secrets',
    body: { name: 'A', value: 'v-123456' },
    status: 400,
  },
  {
    title: 'an unknown field',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, admin: true },
    status: 400,
  },
  {
    title: 'a prototype-polluting field',
    method: 'POST',
    path: '/api/secrets',
    body: `{"__proto__":{"x":1},"name":"A","value":"v-123456","environment":"staging"}`,
    status: 400,
  },
  {
    title: 'name as a number',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, name: 42 },
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'value as a number',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, value: 42 },
    status: 400,
  },
  {
    title: 'value as an object',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, value: { a: 1 } },
    status: 400,
  },
  {
    title: 'value as null',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, value: null },
    status: 400,
  },
  {
    title: 'an empty value',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, value: '' },
    status: 400,
    code: 'INVALID_SECRET_VALUE',
  },
  {
    title: 'a NUL in the value',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, value: 'a\u0000b-123' },
    status: 400,
    code: 'INVALID_SECRET_VALUE',
  },
  {
    title: 'a lone surrogate in the value',
    method: 'POST',
    path: '/api/secrets',
    body: '{"name":"A","value":"\\ud800abc","environment":"staging"}',
    status: 400,
    code: 'INVALID_SECRET_VALUE',
  },
  {
    title: 'a value over 64 KiB',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, value: 'x'.repeat(65_537) },
    status: 400,
    code: 'INVALID_SECRET_VALUE',
  },
  {
    title: 'a body over the limit',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, value: 'x'.repeat(MAX_BODY_BYTES) },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    title: 'an empty name',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, name: '' },
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'a name of 257 characters',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, name: 'A'.repeat(257) },
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'a name with a dash',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, name: 'BAD-NAME' },
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'a name starting with a digit',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, name: '1KEY' },
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'unicode in a name',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, name: 'KÉY' },
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'a NUL in a name',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, name: 'KEY\u0000X' },
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'SQL in a name',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, name: "KEY'; DROP TABLE secrets;--" },
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'a newline in a name',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, name: 'KEY\nX' },
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'an unknown environment',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, environment: 'prod' },
    status: 400,
    code: 'INVALID_ENVIRONMENT',
  },
  {
    title: 'an environment in capitals',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, environment: 'PRODUCTION' },
    status: 400,
    code: 'INVALID_ENVIRONMENT',
  },
  {
    title: 'an environment as an array',
    method: 'POST',
    path: '/api/secrets',
    body: { ...GOOD, environment: ['staging'] },
    status: 400,
    code: 'INVALID_ENVIRONMENT',
  },
  {
    title: 'an existing name',
    method: 'POST',
    path: '/api/secrets',
    body: { name: 'KEY', value: 'another-1', environment: 'production' },
    status: 409,
    code: 'SECRET_ALREADY_EXISTS',
  },
  // Content types.
  {
    title: 'text/plain',
    method: 'POST',
    path: '/api/secrets',
    body: JSON.stringify(GOOD),
    headers: { 'content-type': 'text/plain' },
    status: 415,
  },
  {
    title: 'a form',
    method: 'POST',
    path: '/api/secrets',
    body: 'name=A&value=b',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
  },
  {
    title: 'no content type',
    method: 'PUT',
    path: '/api/secrets/KEY',
    body: '{"value":"v-123456"}',
    headers: { 'content-type': '' },
    status: 415,
  },
  // Queries.
  {
    title: 'a list without environment',
    method: 'GET',
    path: '/api/secrets',
    status: 400,
    code: 'INVALID_ENVIRONMENT',
  },
  {
    title: 'a list of an unknown environment',
    method: 'GET',
    path: '/api/secrets?environment=qa',
    status: 400,
    code: 'INVALID_ENVIRONMENT',
  },
  {
    title: 'a duplicate environment',
    method: 'GET',
    path: '/api/secrets?environment=production&environment=staging',
    status: 400,
  },
  {
    title: 'a duplicate reveal',
    method: 'GET',
    path: '/api/secrets?environment=production&reveal=false&reveal=true',
    status: 400,
  },
  {
    title: 'a bad reveal',
    method: 'GET',
    path: '/api/secrets?environment=production&reveal=yes',
    status: 400,
  },
  {
    title: 'an unknown query parameter',
    method: 'GET',
    path: '/api/secrets?environment=production&x=1',
    status: 400,
  },
  {
    title: 'a get without environment',
    method: 'GET',
    path: '/api/secrets/KEY',
    status: 400,
    code: 'INVALID_ENVIRONMENT',
  },
  {
    title: 'a bad name in the path',
    method: 'GET',
    path: '/api/secrets/BAD-NAME?environment=production',
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'an encoded NUL in the path',
    method: 'GET',
    path: '/api/secrets/KEY%00X?environment=production',
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'an encoded quote in the path',
    method: 'GET',
    path: '/api/secrets/KEY%27%20OR%201%3D1?environment=production',
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'a missing secret',
    method: 'GET',
    path: '/api/secrets/NOPE?environment=production',
    status: 404,
    code: 'SECRET_NOT_FOUND',
  },
  {
    title: 'an update of a missing secret',
    method: 'PUT',
    path: '/api/secrets/NOPE',
    body: { value: 'v-123456', environment: 'production' },
    status: 404,
    code: 'SECRET_NOT_FOUND',
  },
  {
    title: 'an update with an unknown field',
    method: 'PUT',
    path: '/api/secrets/KEY',
    body: { value: 'v-123456', name: 'OTHER' },
    status: 400,
  },
  {
    title: 'an update without value',
    method: 'PUT',
    path: '/api/secrets/KEY',
    body: { environment: 'production' },
    status: 400,
  },
  {
    title: 'a delete without environment',
    method: 'DELETE',
    path: '/api/secrets/KEY',
    status: 400,
    code: 'INVALID_ENVIRONMENT',
  },
  { title: 'an audit with a bad limit', method: 'GET', path: '/api/secrets/audit?limit=-1', status: 400 },
  { title: 'an audit with a zero limit', method: 'GET', path: '/api/secrets/audit?limit=0', status: 400 },
  {
    title: 'an audit with a bad since',
    method: 'GET',
    path: '/api/secrets/audit?since=yesterday',
    status: 400,
  },
  {
    title: 'an audit with a bad secret name',
    method: 'GET',
    path: '/api/secrets/audit?secret_name=a%20b',
    status: 400,
    code: 'INVALID_SECRET_NAME',
  },
  {
    title: 'events without environment',
    method: 'GET',
    path: '/api/secrets/events',
    status: 400,
    code: 'INVALID_ENVIRONMENT',
  },
  // Routes and methods.
  { title: 'an unknown route', method: 'GET', path: '/api/nothing', status: 404, code: 'NOT_FOUND' },
  { title: 'a path traversal', method: 'GET', path: '/api/secrets/../../etc/passwd', status: 404 },
  { title: 'PATCH', method: 'PATCH', path: '/api/secrets/KEY', body: { value: 'v-123456' }, status: 404 },
  { title: 'POST on a name', method: 'POST', path: '/api/secrets/KEY', body: GOOD, status: 404 },
];

describe('malformed requests: 4xx, JSON, nothing changed', () => {
  it('has at least 50 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
  });

  it.each(CASES)('$title -> $status', async ({ method, path, body, headers, status, code }) => {
    const { app, manager, tokens } = await testApi();
    await manager.createSecret('KEY', VALUE, 'production');
    const before = JSON.stringify(
      await manager
        .listSecrets('admin', 'production', { reveal: true })
        .then((s) => s.map((x) => [x.name, x.value])),
    );
    const response = await call(app, method, path, {
      token: tokens.admin,
      body,
      ...(headers ? { headers } : {}),
    });
    expect(response.status).toBe(status);
    const text = await response.text();
    const parsed = JSON.parse(text) as { error: { code: string; message: string } };
    expect(parsed).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    if (code !== undefined) expect(parsed.error.code).toBe(code);
    expect(text).not.toContain(VALUE);
    expect(text).not.toMatch(/\n\s+at |node_modules/);
    const after = JSON.stringify(
      await manager
        .listSecrets('admin', 'production', { reveal: true })
        .then((s) => s.map((x) => [x.name, x.value])),
    );
    expect(after).toBe(before);
    expect((await manager.listSecrets('admin', 'staging')).length).toBe(0);
  });
});
