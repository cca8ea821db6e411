/**
 * @module testing
 * Throw-away databases for tests, on the backend the test run selects: `IRON_TEST_BACKEND` is
 * `sqlite` (default) or `postgres`. A PostgreSQL test database is a fresh schema in the database
 * `IRON_TEST_POSTGRES_URL` names (default the local `test` database), dropped afterwards.
 * For this repository's tests; not part of the library's API.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

export type TestBackend = 'sqlite' | 'postgres';

/** The backend of this test run. */
export function testBackend(): TestBackend {
  const chosen = process.env.IRON_TEST_BACKEND ?? 'sqlite';
  if (chosen !== 'sqlite' && chosen !== 'postgres') {
    throw new Error(`IRON_TEST_BACKEND must be sqlite or postgres, not ${JSON.stringify(chosen)}`);
  }
  return chosen;
}

/** The PostgreSQL database test schemas are made in. */
export const TEST_POSTGRES_URL =
  process.env.IRON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database for one test. */
export interface TestDatabase {
  readonly backend: TestBackend;
  /** What `openStorage` / `SecretsManager.open` take. */
  readonly location: string;
  /**
   * Runs SQL directly, as someone holding the database but not our code; resolves to its rows.
   * Parameters are `$1`, `$2`... in order, on both backends.
   */
  raw(sql: string, values?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Drops a trigger: what the owner of the database can do to our append-only rules. */
  dropTrigger(name: string, table: string): Promise<void>;
  /** Removes it. */
  drop(): Promise<void>;
}

/** A fresh, empty database on `backend` (default: this run's). */
export async function freshDatabase(backend: TestBackend = testBackend()): Promise<TestDatabase> {
  return backend === 'postgres' ? freshSchema() : freshFile();
}

function freshFile(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'iron-test-'));
  const location = join(dir, 'secrets.db');
  return {
    backend: 'sqlite',
    location,
    raw: async (sql, values = []) => {
      const db = new BetterSqlite3(location);
      try {
        const statement = db.prepare(sql.replace(/\$\d+/g, '?'));
        if (statement.reader) return statement.all(...values) as Record<string, unknown>[];
        statement.run(...values);
        return [];
      } finally {
        db.close();
      }
    },
    dropTrigger: async (name) => {
      const db = new BetterSqlite3(location);
      db.exec(`DROP TRIGGER ${name}`);
      db.close();
    },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function freshSchema(): Promise<TestDatabase> {
  const schema = `iron_test_${randomBytes(6).toString('hex')}`;
  await withClient(TEST_POSTGRES_URL, (client) => client.query(`CREATE SCHEMA ${schema}`));
  const location = postgresUrlWithSchema(TEST_POSTGRES_URL, schema);
  return {
    backend: 'postgres',
    location,
    raw: (sql, values = []) =>
      withClient(location, async (client) => (await client.query(sql, values as unknown[])).rows),
    dropTrigger: async (name, table) => {
      await withClient(location, (client) => client.query(`DROP TRIGGER ${name} ON ${table}`));
    },
    drop: async () => {
      await withClient(TEST_POSTGRES_URL, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`));
    },
  };
}

/** A PostgreSQL database of a test's own; see {@link freshPostgresDatabase}. */
export interface OwnPostgresDatabase extends TestDatabase {
  /**
   * Terminates every connection to this database but the caller's (`pg_terminate_backend`, as an
   * operator, a restart or a failover would); resolves to how many there were.
   */
  terminateBackends(): Promise<number>;
}

/**
 * A fresh PostgreSQL database (not a schema in the shared one), dropped with its connections
 * afterwards: a test may terminate every backend of it without reaching other tests' connections.
 */
export async function freshPostgresDatabase(): Promise<OwnPostgresDatabase> {
  const name = `iron_test_${randomBytes(6).toString('hex')}`;
  await withClient(TEST_POSTGRES_URL, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  url.searchParams.delete('options');
  const location = url.href;
  return {
    backend: 'postgres',
    location,
    raw: (sql, values = []) =>
      withClient(location, async (client) => (await client.query(sql, values as unknown[])).rows),
    dropTrigger: async (trigger, table) => {
      await withClient(location, (client) => client.query(`DROP TRIGGER ${trigger} ON ${table}`));
    },
    terminateBackends: () =>
      withClient(TEST_POSTGRES_URL, async (client) => {
        const { rows } = await client.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [name],
        );
        return rows.length;
      }),
    drop: async () => {
      await withClient(TEST_POSTGRES_URL, (client) => client.query(`DROP DATABASE ${name} WITH (FORCE)`));
    },
  };
}

/** `url` with its connections' search_path set to `schema`. */
export function postgresUrlWithSchema(url: string, schema: string): string {
  const withSchema = new URL(url);
  withSchema.searchParams.set('options', `-c search_path=${schema}`);
  return withSchema.href;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export {
  isSimpleQuery,
  type ProxyAction,
  type ProxyOutage,
  startTcpProxy,
  type TcpProxy,
} from './tcp-proxy.js';
