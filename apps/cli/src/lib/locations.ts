/**
 * @module locations
 * Where the database is, which environment a command acts on, and who the operator is: each
 * from its flag, else its environment variable, else the default.
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENTS, type Environment, printableLocation } from '@iron/secrets-core';
import { CliError } from './cli-error.js';
import type { Io } from './io.js';

/** The variable naming the database: a SQLite file path or a `postgres://` URL. */
export const DATABASE_VARIABLE = 'IRON_SECRETS_DB';
/** The variable naming the default environment. */
export const ENVIRONMENT_VARIABLE = 'IRON_SECRETS_ENV';
/** The environment of a command given none. */
export const DEFAULT_ENVIRONMENT: Environment = 'development';

/** The database a command opens, and whether it is the per-user default. */
export interface DatabaseLocation {
  /** A file path or a URL, as given: may hold a password, so never print it. */
  readonly path: string;
  /** What may be printed: the path, or the URL with its password masked. */
  readonly printable: string;
  /** A `postgres://` URL (production mode) rather than a file. */
  readonly isUrl: boolean;
  readonly isDefault: boolean;
}

/**
 * `--db`, else `IRON_SECRETS_DB`, else the per-user data directory: `$XDG_DATA_HOME` (default
 * `~/.local/share`) on Linux and other Unixes, `~/Library/Application Support` on macOS,
 * `%LOCALAPPDATA%` on Windows; then `iron-secrets/secrets.db`.
 */
export function databaseLocation(io: Io, flag: string | undefined): DatabaseLocation {
  const chosen = flag ?? nonEmpty(io.env[DATABASE_VARIABLE]);
  if (chosen !== undefined) return describeLocation(chosen, false);
  return describeLocation(join(dataDirectory(io), 'iron-secrets', 'secrets.db'), true);
}

/** A location with what may be printed of it. */
export function describeLocation(path: string, isDefault = false): DatabaseLocation {
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
  return { path, printable: printableLocation(path), isUrl, isDefault };
}

function dataDirectory(io: Io): string {
  if (process.platform === 'win32')
    return nonEmpty(io.env.LOCALAPPDATA) ?? join(homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support');
  // XDG: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = nonEmpty(io.env.XDG_DATA_HOME);
  return xdg?.startsWith('/') ? xdg : join(homedir(), '.local', 'share');
}

/** `--env`, else `IRON_SECRETS_ENV`, else development; a usage error for anything else. */
export function environmentFrom(io: Io, flag: string | undefined): Environment {
  const fromVariable = nonEmpty(io.env[ENVIRONMENT_VARIABLE]);
  const chosen = flag ?? fromVariable ?? DEFAULT_ENVIRONMENT;
  if (!(ENVIRONMENTS as readonly string[]).includes(chosen)) {
    // Not echoed: a value typed in the wrong place must not be printed back.
    const source = flag !== undefined ? '--env' : ENVIRONMENT_VARIABLE;
    throw new CliError('INVALID_ENVIRONMENT', `${source} must be one of ${ENVIRONMENTS.join(', ')}`);
  }
  return chosen as Environment;
}

/** Identities the audit log accepts: printable ASCII without spaces. */
const IDENTITY = /^[\x21-\x7e]{1,128}$/;

/**
 * The operator's OS user name, recorded as the audit identity of everything the CLI does
 * (it acts as admin). A name the audit log cannot hold falls back to the numeric user id.
 */
export function operatorName(): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (a container running as an arbitrary uid).
  }
  if (name !== undefined && IDENTITY.test(name)) return name;
  return typeof process.getuid === 'function' ? `uid:${process.getuid()}` : 'operator';
}

/** An environment variable's value, or undefined when it is unset or empty. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
