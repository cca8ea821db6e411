/**
 * @module test-support
 * An API on a throw-away database with one token per role, and a way to call it.
 */
import { randomBytes } from 'node:crypto';
import { SecretsManager } from '@iron/secrets-core';
import { afterEach } from 'vitest';
import { type ApiApp, createApi } from './app.js';
import { FailureLimiter } from './auth.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Tokens of a test API, by role (the agent's is scoped to production). */
export interface Tokens {
  readonly admin: string;
  readonly viewer: string;
  readonly agent: string;
  readonly stagingAdmin: string;
}

/** An API on an in-memory database, with a token per role. */
export async function testApi(): Promise<{
  app: ApiApp;
  manager: SecretsManager;
  tokens: Tokens;
  log: string[];
}> {
  const manager = await SecretsManager.open({
    database: ':memory:',
    masterKey: randomBytes(32).toString('base64'),
    changePollMs: 50,
  });
  cleanups.push(() => manager.close());
  const log: string[] = [];
  const app = createApi({
    manager,
    log: (line) => log.push(line),
    limiter: new FailureLimiter(),
  });
  const token = async (options: Parameters<SecretsManager['createToken']>[0]) =>
    (await manager.createToken(options)).token;
  const tokens: Tokens = {
    admin: await token({ role: 'admin' }),
    viewer: await token({ role: 'viewer' }),
    agent: await token({ role: 'agent', environments: ['production'], agentId: 'lead-bot' }),
    stagingAdmin: await token({ role: 'admin', environments: ['staging'] }),
  };
  return { app, manager, tokens, log };
}

/** A request to `app` with a bearer token and a JSON body. */
export function call(
  app: ApiApp,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return Promise.resolve(app.request(path, { method, headers, ...(body === undefined ? {} : { body }) }));
}

/** A response's JSON, loosely typed: tests assert its shape. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions check the shape
export async function json(response: Response): Promise<any> {
  return response.json();
}
