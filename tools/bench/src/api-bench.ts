/**
 * @module api-bench
 * The HTTP API under load (autocannon): GET of one secret with an admin token, 50 connections,
 * next to a bare Hono route on the same server in the same run, so the ratio shows what the
 * authentication, the decryption and the durable audit entry of every read cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApi } from '@iron/secrets-api';
import { SecretsManager } from '@iron/secrets-core';
import autocannon from 'autocannon';

export const CONNECTIONS = 50;
export const DURATION_SECONDS = 10;

/** One load run. */
export interface LoadResult {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

export interface ApiResults {
  readonly bare: LoadResult;
  readonly get: LoadResult;
  readonly seconds: number;
}

export async function apiBenchmarks(scale: number): Promise<ApiResults> {
  const directory = mkdtempSync(join(tmpdir(), 'iron-bench-api-'));
  const manager = await SecretsManager.open({
    database: join(directory, 'secrets.db'),
    masterKey: (await import('node:crypto')).randomBytes(32).toString('base64'),
  });
  try {
    const seconds = Math.max(1, Math.round(DURATION_SECONDS / scale));
    const bare = await withServer(manager, async (base) =>
      load('bare Hono route (baseline)', `${base}/bench/bare`, {}, seconds),
    );
    const get = await loadSecretGet(manager, 'GET /api/secrets/:name, admin token', scale);
    return { bare, get, seconds };
  } finally {
    await manager.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * `GET /api/secrets/:name` with an admin token under load, on whatever database `manager` has
 * open (SQLite here, PostgreSQL in postgres-bench).
 */
export async function loadSecretGet(
  manager: SecretsManager,
  name: string,
  scale: number,
): Promise<LoadResult> {
  await manager.createSecret('OPENAI_API_KEY', `sk-proj-${'c'.repeat(40)}`, 'production').catch(() => {});
  const { token } = await manager.createToken({ role: 'admin' });
  const seconds = Math.max(1, Math.round(DURATION_SECONDS / scale));
  return withServer(manager, (base) =>
    load(
      name,
      `${base}/api/secrets/OPENAI_API_KEY?environment=production`,
      { authorization: `Bearer ${token}` },
      seconds,
    ),
  );
}

/** Runs `work` against an API server over `manager`, with a bare route for the baseline. */
async function withServer<T>(manager: SecretsManager, work: (base: string) => Promise<T>): Promise<T> {
  const app = createApi({ manager });
  app.get('/bench/bare', (c) => c.text('ok'));
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  try {
    return await work(base);
  } finally {
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function load(
  name: string,
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<LoadResult> {
  // The load runs in a worker thread, so it does not compete with the server for its event loop.
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds, workers: 1 });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
