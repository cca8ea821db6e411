import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { masterKeyFromEnvironment } from './master-key-source.js';
import { temporaryDirectory } from './test-support.js';

describe('R6: where the master key comes from', () => {
  const key = randomBytes(32);

  it('reads IRON_CAGE_MASTER_KEY', () => {
    expect(Buffer.from(masterKeyFromEnvironment({ IRON_CAGE_MASTER_KEY: key.toString('base64') }))).toEqual(
      key,
    );
  });

  it('reads the file named by IRON_CAGE_MASTER_KEY_FILE, trailing newline and all', () => {
    const file = join(temporaryDirectory(), 'master.key');
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
    expect(Buffer.from(masterKeyFromEnvironment({ IRON_CAGE_MASTER_KEY_FILE: file }))).toEqual(key);
  });

  it('refuses both at once', () => {
    expect(() =>
      masterKeyFromEnvironment({
        IRON_CAGE_MASTER_KEY: key.toString('base64'),
        IRON_CAGE_MASTER_KEY_FILE: '/x',
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_MASTER_KEY' }));
  });

  it('says how to make one when neither is set', () => {
    expect(() => masterKeyFromEnvironment({})).toThrow(
      expect.objectContaining({
        code: 'MASTER_KEY_NOT_FOUND',
        message: expect.stringContaining('iron-secrets keygen'),
      }),
    );
  });

  it('explains a missing or oversized key file without reading it out', () => {
    const dir = temporaryDirectory();
    expect(() => masterKeyFromEnvironment({ IRON_CAGE_MASTER_KEY_FILE: join(dir, 'missing') })).toThrow(
      expect.objectContaining({ code: 'INVALID_MASTER_KEY', message: expect.stringContaining('ENOENT') }),
    );
    const big = join(dir, 'big');
    writeFileSync(big, 'A'.repeat(10_000), { mode: 0o600 });
    expect(() => masterKeyFromEnvironment({ IRON_CAGE_MASTER_KEY_FILE: big })).toThrow(
      expect.objectContaining({
        code: 'INVALID_MASTER_KEY',
        message: expect.stringContaining('larger than'),
      }),
    );
  });

  it('never echoes a malformed key', () => {
    const almost = `${key.toString('base64').slice(0, -4)}!!!!`;
    try {
      masterKeyFromEnvironment({ IRON_CAGE_MASTER_KEY: almost });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain(almost.slice(0, 10));
      expect((error as { code: string }).code).toBe('INVALID_MASTER_KEY');
    }
  });
});
