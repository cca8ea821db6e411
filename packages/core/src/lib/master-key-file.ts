/**
 * @module master-key-file
 * Reading the file `IRON_CAGE_MASTER_KEY_FILE` names (issue 14, finding 11). The key decrypts
 * every value, so the file is held to the rule OpenSSH applies to private keys:
 *
 * - It is opened once, following symbolic links (Kubernetes mounts secrets behind `..data`
 *   links), without blocking (a FIFO would otherwise wait for a writer), and then checked through
 *   that same descriptor: what is checked is what is read.
 * - It must be a regular file: `/dev/zero`, a FIFO or a directory is refused at once, never read
 *   without end. At most {@link MAX_KEY_FILE_BYTES} are read.
 * - Nobody but its owner may be able to write it: whoever can write it chooses the key.
 * - A file owned by the current user must not be readable by group or others (`chmod 600`).
 * - A file owned by root and not writable by others is accepted for a process that is not root:
 *   Docker and Kubernetes mount secrets as root-owned 0444 or 0644 files, which the process
 *   cannot chmod. A process running as root gets no such exemption (its own file, 0644, is as
 *   exposed as anyone's, and OpenSSH refuses it too): mount the secret with mode 0400.
 *
 * On Windows, modes do not describe access (ACLs do) and are not checked.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { IronSecretsError } from '../errors.js';

/** A key file is one line of base64 (44 characters); anything much larger is not a key file. */
export const MAX_KEY_FILE_BYTES = 4096;

const ROOT_UID = 0;
/** Any permission for group or others: refused on the current user's own key file. */
const GROUP_OR_OTHER_ANY = 0o077;
/** Write permission for group or others: refused whoever owns the file. */
const GROUP_OR_OTHER_WRITE = 0o022;

/** Options of {@link readMasterKeyFile}; tests pass another user id. */
export interface MasterKeyFileOptions {
  /** Where the path came from, for messages; default `the master key file`. */
  readonly origin?: string;
  /** The user the check is made for; default `process.getuid()`. */
  readonly currentUid?: number;
  /** Check modes and owners; default: everywhere but Windows. */
  readonly checkModes?: boolean;
}

/**
 * The text of the key file at `path`. Throws IronSecretsError `INVALID_MASTER_KEY`, naming the
 * path and how to fix it, when the file cannot be read, is not a regular file, is larger than
 * {@link MAX_KEY_FILE_BYTES} or is not private to its owner. Never includes the file's content
 * in a message.
 *
 * @example
 * ```ts
 * const text = readMasterKeyFile('/run/secrets/iron-master-key');
 * ```
 */
export function readMasterKeyFile(path: string, options: MasterKeyFileOptions = {}): string {
  const origin = options.origin ?? 'the master key file';
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would wait for a writer; with it, the open returns
    // and the check below refuses the FIFO.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new IronSecretsError(
      'INVALID_MASTER_KEY',
      `cannot read ${origin} (${path}): ${errorCode(error)}; check the path and its permissions`,
      { cause: error },
    );
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      throw new IronSecretsError(
        'INVALID_MASTER_KEY',
        `${origin} (${path}) is not a regular file (a device, a pipe or a directory); it must be a file holding only the base64 key`,
      );
    }
    if (options.checkModes ?? process.platform !== 'win32') {
      refuseIfExposed(path, origin, stats, options.currentUid ?? process.getuid?.() ?? -1);
    }
    const bytes = readAtMost(fd, path, origin);
    try {
      return bytes.toString('utf8');
    } finally {
      bytes.fill(0);
    }
  } catch (error) {
    if (error instanceof IronSecretsError) throw error;
    throw new IronSecretsError(
      'INVALID_MASTER_KEY',
      `cannot read ${origin} (${path}): ${errorCode(error)}; check the path and its permissions`,
      { cause: error },
    );
  } finally {
    closeSync(fd);
  }
}

function refuseIfExposed(path: string, origin: string, stats: Stats, currentUid: number): void {
  const mode = stats.mode & 0o777;
  const octal = mode.toString(8).padStart(4, '0');
  // Whoever owns it: anyone else who can write the file chooses the key.
  if ((mode & GROUP_OR_OTHER_WRITE) !== 0) {
    throw exposed(path, origin, `is writable by group or others (mode ${octal})`);
  }
  // A secret mounted by Docker or Kubernetes: root's file, which this user cannot chmod.
  if (stats.uid === ROOT_UID && currentUid !== ROOT_UID) return;
  if (stats.uid === currentUid && (mode & GROUP_OR_OTHER_ANY) !== 0) {
    throw exposed(path, origin, `is readable by group or others (mode ${octal})`);
  }
}

function exposed(path: string, origin: string, problem: string): IronSecretsError {
  return new IronSecretsError(
    'INVALID_MASTER_KEY',
    `${origin} (${path}) ${problem}; the master key must be private to its owner: run chmod 600 ${path} ` +
      '(for a secret mounted by Docker or Kubernetes, give it mode 0400)',
  );
}

/** At most MAX_KEY_FILE_BYTES, read with a cap rather than after a size check. */
function readAtMost(fd: number, path: string, origin: string): Buffer {
  const buffer = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
  let read = 0;
  for (let n = -1; n !== 0 && read < buffer.length; read += n) {
    n = readSync(fd, buffer, read, buffer.length - read, null);
  }
  if (read > MAX_KEY_FILE_BYTES) {
    buffer.fill(0);
    throw new IronSecretsError(
      'INVALID_MASTER_KEY',
      `${origin} (${path}) is larger than ${MAX_KEY_FILE_BYTES} bytes; it must hold only the base64 key`,
    );
  }
  return buffer.subarray(0, read);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'an error';
}
