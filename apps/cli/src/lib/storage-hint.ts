/**
 * @module storage-hint
 * The hint after a storage failure, fitted to its cause: a lock (try again), a database or
 * directory this user cannot write (name it), a full disk, a database server that cannot be
 * reached. The kind comes from the driver's code (see `IronSecretsError.failure`); a SQLite
 * file that cannot be opened is also checked on the file system, which says EROFS or EACCES where
 * SQLite only says "unable to open".
 */
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IronSecretsError } from '@iron/secrets-core';
import type { DatabaseLocation } from './locations.js';
import { operatorName } from './locations.js';

/** The hint for a lock, which is what the one hint for every storage failure used to say. */
export const BUSY_HINT = 'if another process holds the database, try again in a moment';

/**
 * The hint for a STORAGE_FAILED or STORAGE_UNAVAILABLE error, or undefined when nothing useful can
 * be said. `database` is where the command looked (undefined when unknown).
 *
 * @example
 * ```ts
 * storageHint(error, databaseLocation(io, undefined));
 * // "/home/ada/.local/share/iron-secrets/secrets.db is not writable by ada: ..."
 * ```
 */
export function storageHint(
  error: IronSecretsError,
  database: DatabaseLocation | undefined,
): string | undefined {
  const failure = error.failure;
  const sqlite = database !== undefined && !database.isUrl && database.path !== ':memory:';
  const kind = failure?.kind ?? 'other';
  if (kind === 'busy') return BUSY_HINT;
  if (kind === 'disk-full') {
    return sqlite
      ? diskFullHint(database.path, failure?.cause)
      : `the database server's disk is full (${failure?.cause}): free space on it, then try again`;
  }
  if (kind === 'connection') {
    return `the database server${database?.isUrl ? ` at ${database.printable}` : ''} cannot be reached or ended the connection (${failure?.cause}): check that it is running and reachable, then try again`;
  }
  const fileSystemSuspected = kind === 'read-only' || /^SQLITE_(?:CANTOPEN|IOERR)/.test(failure?.cause ?? '');
  if (sqlite && fileSystemSuspected) {
    // SQLite reports a read-only file system or directory as SQLITE_CANTOPEN or SQLITE_READONLY:
    // the file system says which, and about which of the two.
    const unwritable = notWritable(database.path);
    if (unwritable !== undefined) {
      return `${unwritable.what} is not writable by ${operatorName()} (${unwritable.code}): run as the user who owns it, fix its owner or mode, or use a database on a writable file system`;
    }
    // SQLite cannot create its shared-memory file on a full disk and says "disk I/O error".
    if (nearlyFull(dirname(database.path))) return diskFullHint(database.path, 'ENOSPC');
    if (kind === 'read-only') {
      return `${database.path} or its directory is not writable by ${operatorName()} (${failure?.cause}): fix its owner or mode, or run as the user who owns it`;
    }
  } else if (kind === 'read-only') {
    return `the database server refused to write (${failure?.cause}): it is read-only (a standby, or default_transaction_read_only) or this role lacks the privilege; connect to the primary or grant the role write access`;
  }
  if (error.code === 'STORAGE_FAILED' && failure !== undefined) {
    return `the database refused the operation (${failure.cause}); run again with IRON_SECRETS_DEBUG=1 for details`;
  }
  return undefined;
}

function diskFullHint(path: string, cause: string | undefined): string {
  return `the disk holding ${dirname(path)} is full (${cause}): free some space there, then try again`;
}

/** Below this much free space, SQLite's I/O errors are taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

function nearlyFull(directory: string): boolean {
  try {
    const stats = statfsSync(directory);
    return stats.bavail * stats.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

/** The database file or its directory, when this process may not write it; with the errno. */
function notWritable(path: string): { what: string; code: string } | undefined {
  const directory = dirname(path);
  for (const [target, what] of [
    [path, path],
    [directory, `the directory ${directory}`],
  ] as const) {
    if (target === path && !existsSync(path)) continue;
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return { what, code };
    }
  }
  return undefined;
}
