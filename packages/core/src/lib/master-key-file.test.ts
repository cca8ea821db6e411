/**
 * Issue 14, finding 11: the master key file is read only when it is private to its owner (or a
 * root-owned secret mount), only when it is a regular file, and never past a cap.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { masterKeyFromEnvironment } from '../master-key-source.js';
import { temporaryDirectory } from '../test-support.js';
import { MAX_KEY_FILE_BYTES, readMasterKeyFile } from './master-key-file.js';

const ROOT = 0;
/** A user id other than root's and (in CI) ours. */
const SOMEONE_ELSE = 1234;
const posixOnly = it.skipIf(process.platform === 'win32');
/** Tests that need a file owned by root, or by another user: CI runs them as root. */
const asRoot = it.skipIf(process.platform === 'win32' || process.getuid?.() !== ROOT);

const key = randomBytes(32).toString('base64');

/** A key file with exactly `mode`, whatever the umask, owned by us. */
function keyFile(mode: number, dir = temporaryDirectory(), name = 'master.key'): string {
  const path = join(dir, name);
  writeFileSync(path, `${key}\n`);
  chmodSync(path, mode);
  return path;
}

const fromFile = (path: string) => masterKeyFromEnvironment({ IRON_CAGE_MASTER_KEY_FILE: path });

describe('a key file others can read or write is refused', () => {
  posixOnly('refuses a 0644 key file of our own, naming it and saying chmod 600, never the key', () => {
    const path = keyFile(0o644);
    let message = '';
    expect(() => {
      try {
        fromFile(path);
      } catch (error) {
        message = (error as Error).message;
        throw error;
      }
    }).toThrow(expect.objectContaining({ code: 'INVALID_MASTER_KEY' }));
    expect(message).toContain(`(${path}) is readable by group or others (mode 0644)`);
    expect(message).toContain(`chmod 600 ${path}`);
    expect(message).not.toContain(key.slice(0, 8));
  });

  posixOnly('refuses 0640, 0604 and 0601 too, and accepts 0600 and 0400', () => {
    for (const mode of [0o640, 0o604, 0o601]) {
      expect(() => fromFile(keyFile(mode)), mode.toString(8)).toThrow(/readable by group or others/);
    }
    for (const mode of [0o600, 0o400]) {
      expect(Buffer.from(fromFile(keyFile(mode))).toString('base64')).toBe(key);
    }
  });

  posixOnly('refuses a key file group or others can write, whoever owns it', () => {
    const path = keyFile(0o620);
    expect(() => fromFile(path)).toThrow(/writable by group or others \(mode 0620\)/);
    // Not even root's own secret mount: whoever can write the file chooses the key.
    chmodSync(path, 0o646);
    expect(() => readMasterKeyFile(path, { currentUid: SOMEONE_ELSE })).toThrow(
      /writable by group or others/,
    );
  });

  it('does not check modes on Windows, where ACLs decide', () => {
    expect(readMasterKeyFile(keyFile(0o666), { checkModes: false })).toBe(`${key}\n`);
  });
});

describe('secrets mounted by Docker and Kubernetes', () => {
  asRoot('accepts a root-owned 0644 or 0444 key file for a process that is not root', () => {
    // The file is root's (the test runs as root); the reader is another user.
    for (const mode of [0o644, 0o444, 0o440]) {
      const path = keyFile(mode);
      expect(readMasterKeyFile(path, { currentUid: SOMEONE_ELSE }), mode.toString(8)).toBe(`${key}\n`);
    }
  });

  asRoot('refuses a root-owned 0644 key file for a process running as root: its own file, exposed', () => {
    expect(() => readMasterKeyFile(keyFile(0o644), { currentUid: ROOT })).toThrow(
      /readable by group or others \(mode 0644\).*chmod 600.*give it mode 0400/,
    );
    expect(readMasterKeyFile(keyFile(0o400), { currentUid: ROOT })).toBe(`${key}\n`);
  });

  asRoot("leaves another user's key file to that user, as OpenSSH does, unless others can write it", () => {
    const path = keyFile(0o644);
    chownSync(path, SOMEONE_ELSE, SOMEONE_ELSE);
    expect(readMasterKeyFile(path)).toBe(`${key}\n`);
    chmodSync(path, 0o664);
    expect(() => readMasterKeyFile(path)).toThrow(/writable by group or others/);
  });

  posixOnly('follows symbolic links to the key, as a Kubernetes secret volume has them', () => {
    // <volume>/master.key -> ..data/master.key, ..data -> ..2024_01_01_00_00_00.1/ (mode 0400)
    const volume = temporaryDirectory();
    const version = join(volume, '..2024_01_01_00_00_00.1');
    mkdirSync(version);
    keyFile(0o400, version);
    symlinkSync('..2024_01_01_00_00_00.1', join(volume, '..data'));
    symlinkSync(join('..data', 'master.key'), join(volume, 'master.key'));
    expect(Buffer.from(fromFile(join(volume, 'master.key'))).toString('base64')).toBe(key);
  });

  posixOnly('checks the file a link names, not the link', () => {
    const dir = temporaryDirectory();
    const target = keyFile(0o644, dir, 'target.key');
    const link = join(dir, 'link.key');
    symlinkSync(target, link);
    expect(() => fromFile(link)).toThrow(/readable by group or others \(mode 0644\)/);
  });
});

describe('only a regular file, and only up to a cap', () => {
  posixOnly('refuses IRON_CAGE_MASTER_KEY_FILE=/dev/zero at once instead of reading without end', () => {
    const started = performance.now();
    expect(() => fromFile('/dev/zero')).toThrow(
      expect.objectContaining({
        code: 'INVALID_MASTER_KEY',
        message: expect.stringContaining('not a regular file'),
      }),
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  posixOnly('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(temporaryDirectory(), 'key.fifo');
    const made = spawnSync('mkfifo', ['-m', '600', fifo]);
    if (made.status !== 0) throw new Error('mkfifo failed');
    const started = performance.now();
    expect(() => fromFile(fifo)).toThrow(/not a regular file/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a directory', () => {
    expect(() => fromFile(temporaryDirectory())).toThrow(
      expect.objectContaining({
        code: 'INVALID_MASTER_KEY',
        message: expect.stringContaining('not a regular file'),
      }),
    );
  });

  it(`reads at most ${MAX_KEY_FILE_BYTES} bytes`, () => {
    const path = join(temporaryDirectory(), 'big.key');
    writeFileSync(path, 'A'.repeat(MAX_KEY_FILE_BYTES + 1), { mode: 0o600 });
    expect(() => fromFile(path)).toThrow(/larger than 4096 bytes/);
  });

  it('reports a missing file with its error code', () => {
    expect(() => fromFile(join(temporaryDirectory(), 'missing'))).toThrow(/ENOENT/);
  });
});
