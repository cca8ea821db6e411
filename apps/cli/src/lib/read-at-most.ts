/**
 * @module read-at-most
 * Reading a file the user names, with a cap.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { CliError } from './cli-error.js';

/**
 * The file's bytes, refusing more than `limit`. Read with a cap rather than after a size check:
 * a pipe (`<(sops -d .env)`) or a device (`/dev/zero`) reports no size, and must not be read
 * without end. `what` names the kind of file in the error ("a dotenv file").
 */
export function readAtMost(file: string, limit: number, what: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(limit + 1);
    let read = 0;
    for (let n = -1; n !== 0 && read <= limit; read += n)
      n = readSync(fd, buffer, read, buffer.length - read, null);
    if (read > limit) {
      throw new CliError('INVALID_INPUT', `${file} is larger than ${limit} bytes; ${what} is not that big`);
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
