/**
 * @module database-file
 * The SQLite file holds every ciphertext, the access tokens' hashes and the audit trail. Before
 * SQLite opens it, this module makes sure nobody but its owner can read it and nobody but its
 * owner can write it, as OpenSSH and PostgreSQL do for private keys (issue 14, finding 11):
 *
 * - A new file is created here with `O_CREAT | O_EXCL | O_NOFOLLOW` and mode 0600, never by
 *   SQLite with the process umask. `O_EXCL` fails on anything already at the path, a symbolic
 *   link included, so a link planted there is never followed to create its target.
 * - A symbolic link to an existing file is followed and the file it names is checked (SQLite
 *   itself follows it and keeps its `-wal` and `-shm` next to that file). A link to nothing is
 *   refused: SQLite would create its target, wherever it points.
 * - An existing file must be a regular file that is not writable by group or others (anyone who
 *   can write it can forge rows); one owned by this user must not be readable by them either.
 *   A file owned by another user and readable by others is left to that user (an operator
 *   running `sudo iron-secrets list` on the service's file), as OpenSSH does.
 * - SQLite's own side files (`-wal`, `-shm`, `-journal`) get the same check when they exist, and
 *   must not be symbolic links. When they do not, SQLite creates them with the file's own mode.
 *
 * On Windows, modes do not describe access (ACLs do) and are not checked.
 *
 * What this does not stop: someone who can write the directory can still swap the file between
 * this check and SQLite's open. The directory should be owned by the service and not writable by
 * others, as the operations guide says.
 */
import { closeSync, constants, lstatSync, openSync, realpathSync, type Stats, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StorageError } from '../storage-error.js';

/** Owner read/write only: the mode a new database file is created with. */
export const DATABASE_FILE_MODE = 0o600;

/** Any permission for group or others: refused on a file of our own. */
const GROUP_OR_OTHER_ANY = 0o077;
/** Write permission for group or others: refused whoever owns the file. */
const GROUP_OR_OTHER_WRITE = 0o022;
/** The files SQLite keeps next to a database in WAL mode, or after a crash in rollback mode. */
const SIDE_FILE_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

/** Options of {@link prepareDatabaseFile}; tests pass another user id. */
export interface DatabaseFileOptions {
  /** The user the check is made for; default `process.getuid()`. */
  readonly currentUid?: number;
  /** Check modes and owners; default: everywhere but Windows. */
  readonly checkModes?: boolean;
}

/**
 * Creates the database file at `path` owner-only, or checks the one already there; throws
 * StorageError `STORAGE_UNAVAILABLE`, naming the path and how to fix it, when it is not private.
 *
 * @example
 * ```ts
 * prepareDatabaseFile('/var/lib/iron-secrets/secrets.db');
 * const db = new BetterSqlite3('/var/lib/iron-secrets/secrets.db');
 * ```
 */
export function prepareDatabaseFile(path: string, options: DatabaseFileOptions = {}): void {
  const checkModes = options.checkModes ?? process.platform !== 'win32';
  const currentUid = options.currentUid ?? process.getuid?.() ?? -1;
  if (createExclusively(path)) return;

  const file = existingTarget(path);
  if (checkModes) refuseIfNotPrivate(path, file, currentUid, 'database file');
  // Where SQLite keeps its side files: next to the file a symbolic link names.
  const real = realpathSync(path);
  for (const suffix of SIDE_FILE_SUFFIXES) checkSideFile(`${real}${suffix}`, checkModes, currentUid);
}

/** True when the file was created now; false when something is already at `path`. */
function createExclusively(path: string): boolean {
  // O_NOFOLLOW is not defined on Windows; O_EXCL alone already refuses an existing link there.
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  try {
    closeSync(openSync(path, flags, DATABASE_FILE_MODE));
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code === 'ENOENT') {
      throw new StorageError(
        'STORAGE_UNAVAILABLE',
        `cannot create the database at ${path}: the directory ${dirname(path)} does not exist`,
        { cause: error },
      );
    }
    throw new StorageError('STORAGE_UNAVAILABLE', `cannot create the database at ${path} (${code})`, {
      cause: error,
    });
  }
}

/** The status of the file at `path`, after following a symbolic link to an existing file. */
function existingTarget(path: string): Stats {
  const entry = lstatOrThrow(path);
  if (!entry.isSymbolicLink()) return mustBeRegular(path, entry);
  try {
    return mustBeRegular(path, statSync(path));
  } catch (error) {
    if (error instanceof StorageError) throw error;
    // ENOENT: a dangling link, whose target SQLite would create wherever it points; ELOOP: a loop.
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      `the database path ${path} is a symbolic link to a file that does not exist (${errorCode(error)}); ` +
        'refusing to create a database wherever it points: remove the link, or point it at an existing database',
      { cause: error },
    );
  }
}

function checkSideFile(path: string, checkModes: boolean, currentUid: number): void {
  let entry: Stats;
  try {
    entry = lstatSync(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw new StorageError('STORAGE_UNAVAILABLE', `cannot check ${path} (${errorCode(error)})`, {
      cause: error,
    });
  }
  if (entry.isSymbolicLink()) {
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      `${path} is a symbolic link; SQLite would write the database's journal through it: remove it`,
    );
  }
  mustBeRegular(path, entry);
  if (checkModes) refuseIfNotPrivate(path, entry, currentUid, 'database journal file');
}

function lstatOrThrow(path: string): Stats {
  try {
    return lstatSync(path);
  } catch (error) {
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      `cannot open the database at ${path} (${errorCode(error)})`,
      {
        cause: error,
      },
    );
  }
}

function mustBeRegular(path: string, stats: Stats): Stats {
  if (stats.isFile()) return stats;
  throw new StorageError(
    'STORAGE_UNAVAILABLE',
    `the database path ${path} is not a regular file (a directory, a device or a pipe)`,
  );
}

function refuseIfNotPrivate(path: string, stats: Stats, currentUid: number, what: string): void {
  const mode = stats.mode & 0o777;
  const octal = mode.toString(8).padStart(4, '0');
  let problem: string | undefined;
  // Whoever owns it: anyone else who can write it can forge rows, tokens and audit entries.
  if ((mode & GROUP_OR_OTHER_WRITE) !== 0) problem = 'writable by group or others';
  // Our own file: nobody else should read the ciphertexts, token hashes and audit trail either.
  else if (stats.uid === currentUid && (mode & GROUP_OR_OTHER_ANY) !== 0)
    problem = 'readable by group or others';
  if (problem === undefined) return;
  throw new StorageError(
    'STORAGE_UNAVAILABLE',
    `the ${what} ${path} is ${problem} (mode ${octal}); it must be private to its owner: run chmod 600 ${path}`,
  );
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'an error';
}
