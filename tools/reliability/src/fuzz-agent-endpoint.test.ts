/**
 * Hostile requests against the runtime injector's agent endpoint (the local HTTP server an agent
 * calls with its per-run token to fetch fresh values), over real sockets: random methods, paths,
 * headers, tokens and bodies, and raw bytes that are not HTTP at all. Never a 5xx, never a crash,
 * never a value without the right token, never a stack trace.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { SecretsManager } from '@iron/secrets-core';
import { type AgentEndpoint, startAgentEndpoint } from '@iron/secrets-runtime';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepDatabase, keepText, needle, scaled, secretValue } from './evidence.js';
import { hostileString, internalMarker, leakedValue, preview, tempDir, within } from './fuzz-support.js';

const HTTP_CASES = scaled(100, 1000);
const RAW_CASES = scaled(30, 300);

let manager: SecretsManager;
let endpoint: AgentEndpoint;
let database: string;
let remove: () => void;
const values: string[] = [];

beforeAll(async () => {
  const temp = tempDir('agent');
  remove = temp.remove;
  database = join(temp.dir, 'secrets.db');
  const masterKey = randomBytes(32).toString('base64');
  needle(masterKey);
  manager = await SecretsManager.open({ database, masterKey });
  for (const name of ['OPENAI_API_KEY', 'DB_PASSWORD', 'STRIPE_KEY']) {
    const value = secretValue('agent-endpoint');
    values.push(value);
    await manager.createSecret(name, value, 'production');
  }
  const requester = { role: 'agent', agentId: 'fuzz-bot', environments: ['production'] } as const;
  // As run-agent.ts does: each request reads the environment's values afresh, as the agent.
  endpoint = await startAgentEndpoint(async () => {
    const secrets = await manager.listSecrets(requester, 'production');
    return new Map(secrets.map((secret) => [secret.name, secret.value!]));
  });
  needle(endpoint.token);
});

afterAll(async () => {
  await endpoint?.close();
  if (manager !== undefined) {
    keepDatabase('fuzz-agent-endpoint-db', database);
    await manager.close();
  }
  remove?.();
});

const headerText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

interface AgentRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: string | undefined;
  readonly header: [string, string] | undefined;
}

const agentRequest: fc.Arbitrary<AgentRequest> = fc.record({
  method: fc.constantFrom(
    'GET',
    'GET',
    'GET',
    'POST',
    'PUT',
    'DELETE',
    'HEAD',
    'OPTIONS',
    'PATCH',
    'PROPFIND',
  ),
  path: fc.oneof(
    { arbitrary: fc.constant('/secrets'), weight: 4 },
    {
      arbitrary: fc.constantFrom(
        '/',
        '/secrets/',
        '/SECRETS',
        '/secrets?x=1',
        '/secrets#x',
        '//secrets',
        '/./secrets',
        '/../secrets',
        '/secrets/../secrets',
        '/%73ecrets',
        '/secrets%00',
        `/${'s'.repeat(8000)}`,
        '*',
      ),
      weight: 2,
    },
    {
      arbitrary: hostileString.map((s) => `/${encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))}`),
      weight: 1,
    },
  ),
  authorization: fc.oneof(
    { arbitrary: fc.constant('@right'), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        undefined,
        '',
        'Bearer',
        'Bearer ',
        '@right-lowercase',
        '@right-truncated',
        '@right-extended',
        '@right-token-only',
        '@right-padded',
        '@right-flipped',
        'Basic YWdlbnQ6YWdlbnQ=',
      ),
      weight: 3,
    },
    { arbitrary: headerText(80).map((s) => `Bearer ${s}`), weight: 1 },
    { arbitrary: fc.integer({ min: 100, max: 12_000 }).map((n) => `Bearer ${'A'.repeat(n)}`), weight: 1 },
  ),
  body: fc.option(fc.oneof(fc.json(), hostileString, fc.constant('{"__proto__":{"x":1}}')), {
    nil: undefined,
  }),
  header: fc.option(
    fc.tuple(
      fc.constantFrom(
        'x-forwarded-for',
        'x-http-method-override',
        'x-original-url',
        'cookie',
        'content-type',
      ),
      headerText(60),
    ),
    { nil: undefined },
  ),
});

function resolveAuthorization(value: string | undefined): string | undefined {
  const right = `Bearer ${endpoint.token}`;
  switch (value) {
    case '@right':
      return right;
    case '@right-lowercase':
      return `bearer ${endpoint.token}`;
    case '@right-truncated':
      return right.slice(0, -1);
    case '@right-extended':
      return `${right}x`;
    case '@right-token-only':
      return endpoint.token;
    case '@right-padded':
      // Not ` Bearer ...`: HTTP strips the blanks around a header value, so that is the token.
      return `Bearer  ${endpoint.token}`;
    case '@right-flipped':
      return `${right.slice(0, -1)}${right.endsWith('A') ? 'B' : 'A'}`;
    default:
      return value;
  }
}

/** One request over a real socket: status, body, and whether the token was the right one. */
function send(r: AgentRequest): Promise<{ status: number; body: string }> {
  const url = new URL(endpoint.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (r.header) headers[r.header[0]] = r.header[1];
    const authorization = resolveAuthorization(r.authorization);
    if (authorization !== undefined) headers.authorization = authorization;
    // Node's client sends a GET body unframed; framed, it is one request and not two.
    if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
    const request = httpRequest(
      { host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(r.body);
  });
}

describe('the agent endpoint under hostile requests', () => {
  it(`${HTTP_CASES} generated requests: never 5xx, never a value without the exact token, no stack trace`, async () => {
    let served = 0;
    await fc.assert(
      fc.asyncProperty(agentRequest, async (r) => {
        const authorization = resolveAuthorization(r.authorization);
        const exact = authorization === `Bearer ${endpoint.token}`;
        const what = `${r.method} ${preview(r.path, 100)} auth=${r.authorization === undefined ? '(none)' : preview(r.authorization.slice(0, 40))}`;
        const { status, body } = await within(5_000, what, send(r));
        const result = `${what} -> ${status} ${exact ? '' : preview(body)}`;
        expect(status, result).toBeLessThan(500);
        expect(internalMarker(body), result).toBeUndefined();
        if (!exact) {
          keepText('fuzz-agent-endpoint-body', body);
          expect(status, result).toBe(401);
          expect(leakedValue(body, values), result).toBeUndefined();
        } else if (r.method === 'GET' && r.path === '/secrets') {
          expect(status, result).toBe(200);
          expect(Object.values(JSON.parse(body) as Record<string, string>).sort()).toEqual(
            [...values].sort(),
          );
          served += 1;
        } else {
          keepText('fuzz-agent-endpoint-body', body);
          expect(status, result).toBe(404);
          expect(leakedValue(body, values), result).toBeUndefined();
        }
      }),
      { numRuns: HTTP_CASES },
    );
    expect(served).toBeGreaterThan(0);
  });

  it(`${RAW_CASES} generated raw byte streams: the endpoint answers below 500 or closes, and keeps serving`, async () => {
    const url = new URL(endpoint.url);
    const raw = fc.oneof(
      fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)),
      fc
        .tuple(
          fc.constantFrom('GET', 'G\u0000ET', 'GET GET', '', 'get', 'POST'),
          fc.constantFrom('/secrets', '', 'secrets', '/secrets\u0000', `/${'x'.repeat(70_000)}`),
          fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1.1\r\nHost', ''),
          fc.array(headerText(100), { maxLength: 5 }),
        )
        .map(([method, path, version, headers]) =>
          Buffer.from(`${method} ${path} ${version}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'),
        ),
      fc
        .integer({ min: 100, max: 20_000 })
        .map((n) =>
          Buffer.from(`GET /secrets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'A'.repeat(n)}\r\n\r\n`),
        ),
    );
    await fc.assert(
      fc.asyncProperty(raw, async (bytes) => {
        const answer = await within(
          5_000,
          `raw ${preview(bytes.toString('latin1'), 100)}`,
          new Promise<string>((resolve) => {
            const socket = connect(Number(url.port), url.hostname);
            const chunks: Buffer[] = [];
            socket.on('data', (chunk: Buffer) => chunks.push(chunk));
            socket.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')));
            socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
            socket.end(bytes);
            // A partial request the server waits on: give up after a moment, as a client would.
            setTimeout(() => socket.destroy(), 1_000);
          }),
        );
        keepText('fuzz-agent-endpoint-raw', answer);
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
        if (status !== undefined) expect(Number(status), preview(answer)).toBeLessThan(500);
        expect(leakedValue(answer, values), preview(answer)).toBeUndefined();
        expect(internalMarker(answer), preview(answer)).toBeUndefined();
      }),
      { numRuns: RAW_CASES },
    );
    // Still alive and still serving the right client.
    const { status } = await send({
      method: 'GET',
      path: '/secrets',
      authorization: '@right',
      body: undefined,
      header: undefined,
    });
    expect(status).toBe(200);
  });
});
