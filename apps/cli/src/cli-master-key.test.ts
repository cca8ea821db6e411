/** master-key rotate through the real binary, on 1,000 secrets. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newMasterKey, sandbox } from './test-support.js';

describe('master-key rotate', () => {
  it('re-encrypts 1,000 secrets under IRON_CAGE_NEW_MASTER_KEY; the old key is refused, the trail verifies', async () => {
    const box = sandbox();
    const values = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [
        `SECRET_${String(i).padStart(4, '0')}`,
        `value-${i}-${'x'.repeat(i % 50)}`,
      ]),
    );
    const file = join(box.dir, 'many.env');
    writeFileSync(
      file,
      Object.entries(values)
        .map(([name, value]) => `${name}=${value}\n`)
        .join(''),
    );
    expect((await box.run(['import', file, '--env', 'production'])).code).toBe(0);
    const before = box.fingerprint();

    const newKey = newMasterKey();
    const rotated = await box.run(['master-key', 'rotate'], { env: { IRON_CAGE_NEW_MASTER_KEY: newKey } });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toBe(''); // the key was the operator's: nothing to print
    expect(rotated.stderr).toContain(`Re-encrypted 1000 secrets in ${box.db} under the new master key.`);
    expect(rotated.stderr).not.toContain(newKey);
    expect(box.fingerprint()).not.toBe(before);

    const old = await box.run(['list', '--env', 'production']);
    expect(old.code).toBe(5);
    expect(old.stderr).toContain('(MASTER_KEY_MISMATCH)');

    const withNew = { env: { IRON_CAGE_MASTER_KEY: newKey } };
    const exported = await box.run(['export', '--env', 'production', '--format', 'json'], withNew);
    expect(JSON.parse(exported.stdout)).toEqual(values);
    expect(await box.run(['audit', 'verify'], withNew)).toMatchObject({ code: 0 });
    const [last] = JSON.parse(
      (await box.run(['audit', '--json', '--secret', 'SECRET_0000', '--limit', '1'], withNew)).stdout,
    );
    expect(last.operation).toBe('READ'); // the export
    const trail = JSON.parse((await box.run(['audit', '--json', '--limit', '10000'], withNew)).stdout) as {
      operation: string;
      secret_name: string;
    }[];
    expect(trail.filter((e) => e.secret_name === 'master-key')).toEqual([
      expect.objectContaining({ operation: 'UPDATE', success: true }),
    ]);
  }, 180_000);

  it('generates the new key when none is given, printed once on stdout before anything changes', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY'], { input: 'value-number-1' });
    const rotated = await box.run(['master-key', 'rotate']);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    const newKey = rotated.stdout.trim();
    expect((await box.run(['get', 'KEY'], { env: { IRON_CAGE_MASTER_KEY: newKey } })).stdout).toBe(
      'value-number-1',
    );
  });

  it('refuses a malformed or unchanged new key, changing nothing', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY'], { input: 'value-number-1' });
    const before = box.fingerprint();
    const malformed = await box.run(['master-key', 'rotate'], {
      env: { IRON_CAGE_NEW_MASTER_KEY: 'not-a-key' },
    });
    expect(malformed.code).toBe(5);
    expect(malformed.stderr).toContain('(INVALID_MASTER_KEY)');
    expect(malformed.stderr).not.toContain('not-a-key');
    const same = await box.run(['master-key', 'rotate'], {
      env: { IRON_CAGE_NEW_MASTER_KEY: box.masterKey },
    });
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('(INVALID_ARGUMENT)');
    expect(box.fingerprint()).toBe(before);
    expect((await box.run(['get', 'KEY'])).stdout).toBe('value-number-1');
  });
});
