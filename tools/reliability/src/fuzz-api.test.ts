/**
 * Hostile HTTP requests against the API, in process (Hono's `app.request`), over a SQLite file:
 * random methods, paths, query strings, headers and bodies. Every answer is below 500, arrives
 * in time, is the JSON error shape without a stack trace or a value when it is an error, and a
 * refused request changes no secret and leaves the audit chain intact.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createApi, FailureLimiter } from '@iron/secrets-api';
import { ENVIRONMENTS, SecretsManager } from '@iron/secrets-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepDatabase, keepText, needle, scaled, secretValue } from './evidence.js';
import { hostileString, internalMarker, leakedValue, preview, tempDir, within } from './fuzz-support.js';

const CASES = scaled(250, 2500);

let manager: SecretsManager;
let app: ReturnType<typeof createApi>;
let database: string;
let remove: () => void;
const tokens: Record<string, string> = {};
/** Every value stored or offered in a body: none may appear in an error answer. */
const values: string[] = [];
const log: string[] = [];

beforeAll(async () => {
  const temp = tempDir('api');
  remove = temp.remove;
  database = join(temp.dir, 'secrets.db');
  const masterKey = randomBytes(32).toString('base64');
  needle(masterKey);
  manager = await SecretsManager.open({ database, masterKey, changePollMs: 50 });
  // The failure limiter sees every in-process request as one address; a clock that jumps a whole
  // window per call keeps it from answering 429 to everything after the 20th bad token.
  let now = 0;
  app = createApi({
    manager,
    log: (line) => log.push(line),
    limiter: new FailureLimiter(() => {
      now += 61_000;
      return now;
    }),
  });
  const create = async (label: string, options: Parameters<SecretsManager['createToken']>[0]) => {
    const { token } = await manager.createToken(options);
    needle(token);
    tokens[label] = token;
  };
  await create('admin', { role: 'admin' });
  await create('viewer', { role: 'viewer' });
  await create('agent', { role: 'agent', environments: ['production'], agentId: 'fuzz-bot' });
  await create('stagingAdmin', { role: 'admin', environments: ['staging'] });
  const revoked = await manager.createToken({ role: 'admin' });
  needle(revoked.token);
  await manager.revokeToken(revoked.id);
  tokens.revoked = revoked.token;
  for (const environment of ENVIRONMENTS) {
    for (const name of NAMES.slice(0, 3)) {
      const value = secretValue(`api-seed-${environment}`);
      values.push(value);
      await manager.createSecret(name, value, environment);
    }
  }
});

afterAll(async () => {
  keepText('fuzz-api-access-log', log.join('\n'));
  if (manager !== undefined) {
    keepDatabase('fuzz-api-db', database);
    await manager.close();
    keepDatabase('fuzz-api-db-closed', database);
  }
  remove?.();
});

const NAMES = ['OPENAI_API_KEY', 'DB_PASSWORD', 'STRIPE_KEY', 'FUZZ_NEW', '_X', 'a'];

/** What secrets exist, and when each last changed. */
async function snapshot(): Promise<string> {
  const lines: string[] = [];
  for (const environment of ENVIRONMENTS) {
    for (const secret of await manager.listSecrets('admin', environment)) {
      lines.push(`${environment}/${secret.name}@${secret.updatedAt.toISOString()}`);
    }
  }
  return lines.sort().join('\n');
}

const segment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NAMES, 'audit', 'verify', 'events', 'openapi.json', 'session', 'tokens', ''),
  fc.constantFrom('..', '.', '%2e%2e', '%2F', '%00', '%ZZ', '%', '%u0041', '..%2f..%2fetc%2fpasswd', '//'),
  hostileString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
  fc.string({ maxLength: 30 }).map((s) => s.replace(/[#?\\]/g, '_')),
  fc.integer({ min: 257, max: 20_000 }).map((n) => 'N'.repeat(n)),
);

const hostilePath: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      '/api/secrets',
      '/api/session',
      '/api/openapi.json',
      '/api',
      '/api/tokens',
      '/healthz',
      '/',
      '//api/secrets',
      '/API/SECRETS',
      '/api/secrets/audit',
    ),
    fc.array(segment, { maxLength: 3 }),
    fc.boolean(),
  )
  .map(([base, segments, slash]) => [base, ...segments].join('/') + (slash ? '/' : ''));

/** Mostly the real routes (so requests get past routing and authentication), some anything. */
const path: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      '/api/secrets',
      '/api/secrets',
      '/api/secrets/audit',
      '/api/secrets/audit/verify',
      '/api/session',
      '/api/secrets/events',
    ),
    weight: 5,
  },
  {
    arbitrary: fc.oneof(fc.constantFrom(...NAMES), segment).map((name) => `/api/secrets/${name}`),
    weight: 6,
  },
  { arbitrary: hostilePath, weight: 3 },
);

const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    ...ENVIRONMENTS,
    'true',
    'false',
    '',
    'PRODUCTION',
    'prod',
    '2026-01-01T00:00:00Z',
    '99999',
  ),
  fc.constantFrom('-1', '1e9', '0', 'NaN', '[]', '{}', 'null', '123456', 'not-a-date'),
  hostileString,
);

const query: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(fc.constantFrom(...ENVIRONMENTS), { freq: 3, nil: undefined }),
    fc.array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom('environment', 'reveal', 'secret_name', 'since', 'limit', 'environment[]'),
          fc.constantFrom('__proto__', 'constructor', 'env', ''),
          hostileString,
        ),
        queryValue,
      ),
      { maxLength: 3 },
    ),
  )
  .map(([environment, pairs]) => {
    const params = new URLSearchParams();
    if (environment !== undefined) params.append('environment', environment);
    if (params.size === 0 && pairs.length === 0) return '';
    for (const [key, value] of pairs) params.append(key, value.replace(/[\ud800-\udfff]/g, 'x'));
    return `?${params.toString()}`;
  });

/** Header values a Headers object takes: printable Latin-1, no CR, LF or NUL. */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength });

const authorization: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('admin', 'admin', 'viewer', 'agent', 'stagingAdmin', 'revoked').map((role) => `@${role}`),
  {
    arbitrary: fc.constantFrom('admin', 'admin', 'viewer', 'agent', 'stagingAdmin').map((role) => `@${role}`),
    weight: 12,
  },
  fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Basic YWRtaW46YWRtaW4=', 'Bearer  ', 'Token abc'),
  headerText(60).map((s) => `Bearer ${s}`),
  headerText(60),
  fc.integer({ min: 513, max: 70_000 }).map((n) => `Bearer ${'A'.repeat(n)}`),
);

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  fc.constantFrom(
    undefined,
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/jsonx',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
    '',
  ),
  headerText(40),
);

/** A value for a body field: a fresh registered value (possibly spoiled), or anything else. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null).map(() => secretValue('api-body')),
  fc.tuple(fc.constant(null), hostileString).map(([, tail]) => secretValue('api-body') + tail),
  fc.constant(null).map(() => `${secretValue('api-body')}\u0000`),
  fc.constantFrom(null, 0, -1, 1.5, true, [], {}, '', ['x'], { value: 'x' }),
  fc.integer({ min: 65_000, max: 70_000 }).map((n) => `${secretValue('api-big')}${'x'.repeat(n)}`),
);

const structuredBody: fc.Arbitrary<string> = fc
  .record(
    {
      name: fc.oneof(fc.constantFrom(...NAMES), hostileString, fc.constantFrom(42, null, ['A'], { a: 1 })),
      value: fieldValue,
      environment: fc.oneof(fc.constantFrom(...ENVIRONMENTS), hostileString, fc.constantFrom(1, null, [])),
      extra: fc.oneof(hostileString, fc.jsonValue({ maxDepth: 2 })),
    },
    { requiredKeys: [] },
  )
  .chain((record) =>
    fc.constantFrom('plain', 'extra', '__proto__', 'constructor', 'prototype').map((how) => {
      const { extra, ...fields } = record;
      const json = JSON.stringify(fields);
      if (how === 'plain' || extra === undefined) return json;
      const key = how === 'extra' ? 'admin' : how;
      const addition = `${JSON.stringify(key)}:${JSON.stringify(how === 'extra' ? extra : { role: 'admin', polluted: true })}`;
      return json === '{}' ? `{${addition}}` : `${json.slice(0, -1)},${addition}}`;
    }),
  );

const body: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: structuredBody, weight: 5 },
  { arbitrary: fc.json({ maxDepth: 3 }), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '',
      '{',
      '{"name":',
      'null',
      '[]',
      '"x"',
      '1',
      'true',
      '{"name":"A","name":"B"}',
      '\u0000',
      '\ufeff{}',
      '{"__proto__":{"isAdmin":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
    ),
    weight: 1,
  },
  {
    arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    weight: 1,
  },
  {
    arbitrary: fc.integer({ min: 1000, max: 50_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
    weight: 1,
  },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
);

interface HostileRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string | undefined;
  readonly extraHeader: [string, string] | undefined;
}

const request: fc.Arbitrary<HostileRequest> = fc.record({
  method: fc.constantFrom(
    'GET',
    'GET',
    'POST',
    'POST',
    'PUT',
    'PUT',
    'DELETE',
    'PATCH',
    'HEAD',
    'OPTIONS',
    'PROPFIND',
    'get',
    'post',
  ),
  path,
  query,
  authorization,
  contentType,
  body,
  extraHeader: fc.option(
    fc.tuple(
      fc.constantFrom(
        'x-forwarded-for',
        'content-length',
        'transfer-encoding',
        'x-http-method-override',
        'host',
        'cookie',
      ),
      headerText(80),
    ),
    { nil: undefined },
  ),
});

function describeRequest(r: HostileRequest): string {
  return `${r.method} ${preview(r.path + r.query, 200)} auth=${preview(r.authorization ?? '(none)', 60)} type=${preview(r.contentType ?? '(none)', 60)} body=${preview(r.body ?? '(none)', 200)}`;
}

async function send(r: HostileRequest): Promise<Response | undefined> {
  const headers = new Headers();
  if (r.extraHeader) {
    try {
      headers.set(r.extraHeader[0], r.extraHeader[1]);
    } catch {
      // not a header a client could send
    }
  }
  if (r.authorization !== undefined) {
    const value = r.authorization.startsWith('@')
      ? `Bearer ${tokens[r.authorization.slice(1)]}`
      : r.authorization;
    headers.set('authorization', value);
  }
  if (r.contentType !== undefined) headers.set('content-type', r.contentType);
  const init: RequestInit = { method: r.method, headers };
  if (r.body !== undefined && !['GET', 'HEAD', 'get'].includes(r.method)) init.body = r.body;
  let url: string;
  try {
    url = new URL(`http://localhost${r.path}${r.query}`).href;
    new Request(url, init);
  } catch {
    return undefined; // no client could send it
  }
  return await app.request(url, init);
}

describe('the HTTP API under hostile requests', () => {
  it(`${CASES} generated requests: never 5xx, never a hang, errors are clean JSON, refusals change nothing`, async () => {
    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = await snapshot();
        const response = await within(5_000, describeRequest(r), send(r));
        if (response === undefined) return;
        sent += 1;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const type = response.headers.get('content-type') ?? '';
        let text = '';
        if (type.includes('text/event-stream')) {
          await response.body?.cancel();
        } else {
          text = await within(5_000, `reading the body of ${describeRequest(r)}`, response.text());
        }
        const what = `${describeRequest(r)} -> ${response.status} ${preview(text)}`;
        expect(response.status, what).toBeLessThan(500);
        if (response.status >= 400) {
          keepText('fuzz-api-error-body', text);
          if (r.method !== 'HEAD') {
            const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            expect(typeof parsed.error?.code, what).toBe('string');
            expect(typeof parsed.error?.message, what).toBe('string');
            expect(Object.keys(parsed), what).toEqual(['error']);
          }
          expect(internalMarker(text), what).toBeUndefined();
          expect(leakedValue(text, values), what).toBeUndefined();
          expect(leakedValue(text, Object.values(tokens)), what).toBeUndefined();
          expect(await snapshot(), `a refused request changed the secrets: ${what}`).toBe(before);
        } else if (response.status >= 200 && response.status < 300 && r.body !== undefined) {
          // An accepted create or update stored a registered value: no error may show it later.
          const stored = /"value":"(LEAKSCAN-api-(?:body|big)-[A-Za-z0-9_-]{12})/.exec(r.body)?.[1];
          if (stored !== undefined) values.push(stored);
        }
        const verification = await manager.verifyAuditLog();
        expect(verification.ok, `the audit chain broke after ${what}`).toBe(true);
      }),
      { numRuns: CASES },
    );
    // The generator must reach the routes, not only be refused at the door.
    expect(sent).toBeGreaterThan(CASES * 0.9);
    const byStatus = [...statuses.entries()].sort(([a], [b]) => a - b);
    keepText('fuzz-api-statuses', JSON.stringify(byStatus));
    expect(byStatus.some(([status]) => status >= 200 && status < 300)).toBe(true);
  });
});
