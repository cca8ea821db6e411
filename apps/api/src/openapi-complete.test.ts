/**
 * The OpenAPI document describes every operation completely: a summary, a description, every
 * status the route can answer (checked against a table of the routes' real statuses, and by
 * provoking the statuses every route shares), and examples of requests and responses.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './app.js';
import { MAX_FAILURES } from './auth.js';
import { call, json, testApi } from './test-support.js';

/** What every route behind a token can answer: a repeated query parameter, no or a bad token,
 * too many failures from the address, a bug or damaged data, a store that cannot serve now. */
const AUTHENTICATED = [400, 401, 429, 500, 503];
/** What a route taking a JSON body adds: a body over the limit, a body that is not JSON. */
const WITH_BODY = [413, 415];

/** Every operation, and every status its route answers (see each route and the library's codes). */
const STATUSES: Record<string, number[]> = {
  'post /api/secrets': [201, ...AUTHENTICATED, ...WITH_BODY, 403, 409],
  'get /api/secrets': [200, ...AUTHENTICATED, 403],
  'get /api/secrets/{name}': [200, ...AUTHENTICATED, 403, 404],
  'put /api/secrets/{name}': [200, ...AUTHENTICATED, ...WITH_BODY, 403, 404, 409, 412],
  'delete /api/secrets/{name}': [204, ...AUTHENTICATED, 403, 404],
  'get /api/secrets/audit': [200, ...AUTHENTICATED, 403],
  'get /api/secrets/audit/verify': [200, ...AUTHENTICATED, 403],
  'get /api/secrets/audit/stream': [200, ...AUTHENTICATED, 403],
  'get /api/secrets/events': [200, ...AUTHENTICATED, 403],
  'get /api/session': [200, ...AUTHENTICATED],
  'get /healthz': [200, 503],
  'get /livez': [200],
};

// biome-ignore lint/suspicious/noExplicitAny: a JSON document, walked loosely
type Json = any;

async function document(): Promise<Json> {
  const { app, tokens } = await testApi();
  const response = await call(app, 'GET', '/api/openapi.json', { token: tokens.admin });
  expect(response.status).toBe(200);
  return json(response);
}

function operations(doc: Json): [string, Json][] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Json>).map(([method, operation]): [string, Json] => [
      `${method} ${path}`,
      operation,
    ]),
  );
}

const hasExample = (media: Json) =>
  media !== undefined && (media.example !== undefined || media.examples !== undefined);

describe('the OpenAPI document', () => {
  it('lists exactly the operations of the table', async () => {
    expect(
      operations(await document())
        .map(([key]) => key)
        .sort(),
    ).toEqual(Object.keys(STATUSES).sort());
  });

  it('gives every operation a summary and a description', async () => {
    for (const [key, operation] of operations(await document())) {
      expect(operation.summary, key).toMatch(/\w{3,}/);
      expect(operation.description, key).toMatch(/\w{3,}.{20,}/);
      expect(operation.description, key).not.toBe(operation.summary);
    }
  });

  it('declares every status each route answers, each with a description', async () => {
    for (const [key, operation] of operations(await document())) {
      const declared = Object.keys(operation.responses).map(Number);
      for (const status of STATUSES[key]!) expect(declared, `${key} ${status}`).toContain(status);
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        expect(response.description, `${key} ${status}`).toMatch(/\w{3,}/);
      }
    }
  });

  it('has an example of every request body, parameter and response body', async () => {
    for (const [key, operation] of operations(await document())) {
      if (operation.requestBody !== undefined) {
        expect(hasExample(operation.requestBody.content['application/json']), `${key} request`).toBe(true);
      }
      for (const parameter of operation.parameters ?? []) {
        const example = parameter.example ?? parameter.schema?.example;
        expect(example, `${key} parameter ${parameter.name}`).toBeDefined();
      }
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        if (status === '204') continue; // no body
        const media = Object.values((response.content ?? {}) as Record<string, Json>);
        expect(media.length, `${key} ${status} content`).toBeGreaterThan(0);
        for (const each of media) expect(hasExample(each), `${key} ${status} example`).toBe(true);
      }
    }
  });

  it('429 and 503 declare Retry-After, 413 Connection: close', async () => {
    for (const [key, operation] of operations(await document())) {
      for (const [status, header] of [
        ['429', 'Retry-After'],
        ['503', 'Retry-After'],
        ['413', 'Connection'],
      ] as const) {
        if (operation.responses[status] === undefined) continue;
        expect(Object.keys(operation.responses[status].headers ?? {}), `${key} ${status}`).toContain(header);
      }
    }
  });

  it('error examples carry a code and a message', async () => {
    for (const [key, operation] of operations(await document())) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        if (Number(status) < 400 || key.endsWith(' /healthz')) continue;
        const example = response.content['application/json'].example;
        expect(example.error.code, `${key} ${status}`).toMatch(/^[A-Z_]+$/);
        expect(example.error.message, `${key} ${status}`).toMatch(/\w/);
      }
    }
  });
});

/** A request that reaches `key`'s route, with the query it needs. */
function pathOf(key: string): { method: string; path: string } {
  const [method, path] = key.split(' ') as [string, string];
  const concrete = path.replace('{name}', 'KEY');
  const query = /^get \/api\/secrets(\/\{name\}|\/events)?$|^delete /.test(key)
    ? '?environment=production'
    : '';
  return { method: method.toUpperCase(), path: `${concrete}${query}` };
}

describe('the statuses routes really answer are declared', () => {
  const apiOperations = Object.keys(STATUSES).filter((key) => key.includes(' /api/'));

  it('the shared ones: 400, 401, 413, 415, 429, 503', async () => {
    const doc = await document();
    const declared = (key: string, status: number) =>
      expect(
        Object.keys(doc.paths[key.split(' ')[1]!][key.split(' ')[0]!].responses),
        `${key} ${status}`,
      ).toContain(String(status));
    const { app, manager, tokens } = await testApi();
    for (const key of apiOperations) {
      const { method, path } = pathOf(key);
      const body = method === 'POST' || method === 'PUT' ? {} : undefined;
      const seen = new Set<number>();
      seen.add((await call(app, method, path, { body })).status);
      const repeated = `${path}${path.includes('?') ? '&' : '?'}a=1&a=2`;
      seen.add((await call(app, method, repeated, { token: tokens.admin, body })).status);
      if (body !== undefined) {
        seen.add(
          (
            await call(app, method, path, {
              token: tokens.admin,
              body: 'x',
              headers: { 'content-type': 'text/plain' },
            })
          ).status,
        );
        seen.add(
          (await call(app, method, path, { token: tokens.admin, body: 'x'.repeat(MAX_BODY_BYTES + 1) }))
            .status,
        );
      }
      for (const status of seen) declared(key, status);
      expect(
        [...seen].every((status) => status >= 400),
        key,
      ).toBe(true);
    }
    // Too many failures from this address (app.request has none: 'unknown').
    for (let i = 0; i < MAX_FAILURES; i += 1) await call(app, 'GET', '/api/session', { token: 'wrong' });
    for (const key of apiOperations) {
      const { method, path } = pathOf(key);
      const status = (await call(app, method, path, { token: 'wrong' })).status;
      expect(status, key).toBe(429);
      declared(key, status);
    }
    // A store that cannot serve (here: closed).
    await manager.close();
    for (const key of apiOperations) {
      const { method, path } = pathOf(key);
      const status = (
        await call(app, method, path, {
          token: tokens.admin,
          body: method === 'PUT' || method === 'POST' ? {} : undefined,
        })
      ).status;
      expect(status, key).toBe(503);
      declared(key, status);
    }
  });

  it("PUT's 409: a name in two environments, updated without saying which", async () => {
    const doc = await document();
    const { app, tokens } = await testApi();
    for (const environment of ['staging', 'production']) {
      await call(app, 'POST', '/api/secrets', {
        token: tokens.admin,
        body: { name: 'KEY', value: 'value-12345', environment },
      });
    }
    const response = await call(app, 'PUT', '/api/secrets/KEY', {
      token: tokens.admin,
      body: { value: 'value-67890' },
    });
    expect(response.status).toBe(409);
    expect((await json(response)).error.code).toBe('AMBIGUOUS_ENVIRONMENT');
    expect(Object.keys(doc.paths['/api/secrets/{name}'].put.responses)).toContain('409');
  });
});
