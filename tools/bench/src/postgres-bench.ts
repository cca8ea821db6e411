/**
 * @module postgres-bench
 * Production mode next to embedded: the library's operations on PostgreSQL and on a SQLite file
 * (both durable), in the same run; what serialising writers with the advisory lock costs; and the
 * HTTP API under load on PostgreSQL (see api-bench for the SQLite run).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManager } from '@iron/secrets-core';
import { freshDatabase, type TestDatabase } from '@iron/secrets-storage/testing';
import pg from 'pg';
import { type LoadResult, loadSecretGet } from './api-bench.js';
import { type Measurement, measure } from './measure.js';

const VALUE = `sk-proj-${'b'.repeat(120)}`;
const LISTED = 100;
/** Concurrent writers in the contention run: two instances, four each. */
export const WRITERS = 8;

export interface BackendRows {
  readonly get: Measurement;
  readonly update: Measurement;
  readonly list: Measurement;
  readonly create: Measurement;
}

export interface PostgresResults {
  /** Why nothing was measured (PostgreSQL unreachable), if so. */
  readonly skipped?: string;
  readonly sqlite?: BackendRows;
  readonly postgres?: BackendRows;
  /** One writing transaction (an insert) with and without the writers' advisory lock. */
  readonly lock?: { readonly without: Measurement; readonly with: Measurement };
  /** Audited updates per second: one writer, then {@link WRITERS} across two instances. */
  readonly contention?: { readonly single: number; readonly concurrent: number };
  readonly api?: LoadResult;
}

export async function postgresBenchmarks(scale: number): Promise<PostgresResults> {
  let db: TestDatabase;
  try {
    db = await freshDatabase('postgres');
  } catch (error) {
    return {
      skipped: `PostgreSQL is not reachable (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const n = (count: number) => Math.max(5, Math.round(count / scale));
  const directory = mkdtempSync(join(tmpdir(), 'iron-bench-pg-'));
  try {
    const masterKey = randomBytes(32).toString('base64');
    const sqlite = await backendRows('SQLite file', join(directory, 'secrets.db'), masterKey, n);
    const postgres = await backendRows('PostgreSQL', db.location, masterKey, n);
    const lock = await lockCost(db.location, n(1000));
    const contention = await contentionRun(db.location, masterKey, n(400));
    const manager = await SecretsManager.open({ database: db.location, masterKey });
    let api: LoadResult;
    try {
      api = await loadSecretGet(manager, 'GET /api/secrets/:name on PostgreSQL', scale);
    } finally {
      await manager.close();
    }
    return { sqlite, postgres, lock, contention, api };
  } finally {
    rmSync(directory, { recursive: true, force: true });
    await db.drop();
  }
}

async function backendRows(
  label: string,
  database: string,
  masterKey: string,
  n: (count: number) => number,
): Promise<BackendRows> {
  const manager = await SecretsManager.open({ database, masterKey, migrate: true });
  try {
    await manager.createSecret('KEY', VALUE, 'production');
    await Promise.all(
      Array.from({ length: LISTED }, (_, i) => manager.createSecret(`LIST_${i}`, VALUE, 'staging')),
    );
    await manager.getSecret('KEY');
    await manager.listSecrets('agent', 'staging'); // every key derived and cached
    const get = await measure(`${label}: get (warm key cache)`, () => manager.getSecret('KEY', 'agent'), {
      iterations: n(1000),
    });
    const update = await measure(
      `${label}: update (warm key cache)`,
      () => manager.updateSecret('KEY', VALUE, { environment: 'production' }),
      { iterations: n(1000) },
    );
    const list = await measure(
      `${label}: list 100 (warm key cache)`,
      () => manager.listSecrets('agent', 'staging'),
      {
        iterations: n(300),
      },
    );
    let created = 0;
    const create = await measure(
      `${label}: create (derives its key)`,
      () => manager.createSecret(`NEW_${created++}`, VALUE, 'development'),
      { iterations: n(100) },
    );
    return { get, update, list, create };
  } finally {
    await manager.close();
  }
}

/** The advisory lock on its own: the same one-insert transaction with and without it. */
async function lockCost(location: string, iterations: number) {
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    await client.query('CREATE TEMP TABLE bench_lock (n integer)');
    const transaction = async (locked: boolean) => {
      await client.query('BEGIN');
      if (locked) await client.query('SELECT pg_advisory_xact_lock(1, 2)');
      await client.query('INSERT INTO bench_lock VALUES (1)');
      await client.query('COMMIT');
    };
    const without = await measure('insert transaction', () => transaction(false), { iterations });
    const withLock = await measure('insert transaction + advisory lock', () => transaction(true), {
      iterations,
    });
    return { without, with: withLock };
  } finally {
    await client.end();
  }
}

/** Audited updates per second: one writer alone, then WRITERS on two instances at once. */
async function contentionRun(location: string, masterKey: string, perWriter: number) {
  const instances = [
    await SecretsManager.open({ database: location, masterKey }),
    await SecretsManager.open({ database: location, masterKey }),
  ];
  try {
    for (let w = 0; w < WRITERS; w++) await instances[0]!.createSecret(`W_${w}`, VALUE, 'production');
    for (const instance of instances) {
      for (let w = 0; w < WRITERS; w++) await instance.getSecret(`W_${w}`); // keys cached on both
    }
    const run = async (writers: number) => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i++) {
            await instances[w % 2]!.updateSecret(`W_${w}`, VALUE, { environment: 'production' });
          }
        }),
      );
      return (writers * perWriter) / ((performance.now() - started) / 1000);
    };
    return { single: await run(1), concurrent: await run(WRITERS) };
  } finally {
    for (const instance of instances) await instance.close();
  }
}
