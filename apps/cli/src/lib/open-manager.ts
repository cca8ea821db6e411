/**
 * @module open-manager
 * Opening the database for a command: creating the per-user default (directory 0700, file 0600)
 * on first use, and refusing to invent a database anywhere else by accident.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  isIronSecretsError,
  masterKeyFromEnvironment,
  type Requester,
  SecretsManager,
} from '@iron/secrets-core';
import { CliError } from './cli-error.js';
import type { Io } from './io.js';
import { type DatabaseLocation, databaseLocation, operatorName } from './locations.js';

/** Owner only: the directory holds the database and its WAL files. */
const DATA_DIRECTORY_MODE = 0o700;

/** Options every command shares. */
export interface GlobalOptions {
  readonly db?: string | undefined;
}

/** An open manager with what a command needs around it. */
export interface Session {
  readonly manager: SecretsManager;
  readonly database: DatabaseLocation;
  /** The CLI acts as admin, recorded under the operator's OS user name. */
  readonly requester: Requester;
}

/**
 * Opens the database. `create: false` (commands that only read or change what exists) refuses a
 * database file that does not exist, rather than silently creating an empty one at a mistyped
 * path; `create: true` (`init`, `set`, `import`) creates it.
 */
export async function openSession(io: Io, global: GlobalOptions, create: boolean): Promise<Session> {
  const database = existingDatabase(io, global, create);
  // `init` (create) may bring a PostgreSQL schema up to date; other commands refuse one that is
  // behind and point at `iron-secrets migrate`.
  const manager = await missingPostgresDatabase(() =>
    SecretsManager.open({
      database: database.path,
      env: io.env,
      migrate: create || undefined,
    }),
  );
  return { manager, database, requester: { role: 'admin', id: operatorName() } };
}

/** PostgreSQL's SQLSTATE for a connection to a database that does not exist. */
const INVALID_CATALOG_NAME = '3D000';

/**
 * Runs `open`, turning a PostgreSQL "database does not exist" into DATABASE_NOT_FOUND (exit 3),
 * like a SQLite file that does not exist: the server answered, the database is not there.
 */
async function missingPostgresDatabase<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (
      isIronSecretsError(error) &&
      error.code === 'STORAGE_UNAVAILABLE' &&
      sqlStateOf(error) === INVALID_CATALOG_NAME
    ) {
      throw new CliError('DATABASE_NOT_FOUND', error.message, {
        hint: 'create the database on the server (createdb), then run `iron-secrets init`; or check --db and IRON_SECRETS_DB',
      });
    }
    throw error;
  }
}

/** The SQLSTATE of a PostgreSQL error somewhere in `error`'s cause chain, if any. */
function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/**
 * The database a command uses, refusing (DATABASE_NOT_FOUND) one that does not exist unless
 * `create`, and creating the per-user default's directory (0700) when it may create.
 */
export function existingDatabase(io: Io, global: GlobalOptions, create: boolean): DatabaseLocation {
  const database = databaseLocation(io, global.db);
  if (!database.isUrl && database.path !== ':memory:' && !existsSync(database.path)) {
    if (!create) {
      throw new CliError('DATABASE_NOT_FOUND', `there is no database at ${database.path}`, {
        hint: 'create it with `iron-secrets init`, or point --db or IRON_SECRETS_DB at an existing one',
      });
    }
    if (database.isDefault) mkdirSync(dirname(database.path), { recursive: true, mode: DATA_DIRECTORY_MODE });
  }
  return database;
}

/** Runs `work` on an open session and always closes it (which wipes the keys). */
export async function withSession<T>(
  io: Io,
  global: GlobalOptions,
  create: boolean,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const session = await openSession(io, global, create);
  try {
    return await work(session);
  } finally {
    await session.manager.close();
  }
}

/**
 * MASTER_KEY_NOT_FOUND or INVALID_MASTER_KEY now, before the operator is asked for anything:
 * a missing key should not cost typing a value twice. (Whether it is this database's key is
 * checked when the database is opened.)
 */
export function assertMasterKeyPresent(io: Io): void {
  masterKeyFromEnvironment(io.env).fill(0);
}
