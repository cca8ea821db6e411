/** Issue 15, "the CLI's small print" and real-world `.env` files, through the real binary. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from './test-support.js';

describe('import: the .env files people really have', () => {
  it('skips NAME= lines with a warning naming them, imports the rest, exit 0', async () => {
    const box = sandbox();
    const file = join(box.dir, '.env');
    writeFileSync(file, 'A=value-of-a-1\nEMPTY_ONE=\nB=value-of-b-1\nEMPTY_TWO=   # nothing yet\n');
    const result = await box.run(['import', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Imported 2 from');
    expect(result.stderr).toMatch(/skipped 2 empty values .*: EMPTY_ONE, EMPTY_TWO/);
    expect((await box.run(['get', 'B'])).stdout).toBe('value-of-b-1');
    expect((await box.run(['get', 'EMPTY_ONE'])).code).toBe(3);
  });

  it('reports every malformed line at once, and --skip-invalid imports the rest listing them', async () => {
    const box = sandbox();
    await box.run(['init']);
    const file = join(box.dir, '.env');
    writeFileSync(
      file,
      'A=value-of-a-1\nthis line is secret-text-1\n9BAD=secret-value-2\nB=value-of-b-1\nC="secret-value-3\nD=value-of-d-1\n',
    );
    const before = box.fingerprint();
    const refused = await box.run(['import', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('line 2: expected NAME=value');
    expect(refused.stderr).toContain('line 3: a name must start with a letter');
    expect(refused.stderr).toContain('line 5: the quoted value starting here is never closed');
    expect(refused.stderr).toContain('3 malformed lines (lines 2, 3, 5)');
    expect(refused.stderr).toContain('--skip-invalid');
    expect(refused.stderr).not.toContain('secret-');
    expect(box.fingerprint()).toBe(before);

    const skipped = await box.run(['import', file, '--skip-invalid']);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('Imported 3 from');
    expect(skipped.stderr).toContain('skipped 3 malformed lines (lines 2, 3, 5)');
    expect(skipped.stderr).not.toContain('secret-');
    expect((await box.run(['get', 'D'])).stdout).toBe('value-of-d-1');
  });
});

describe('list', () => {
  it('shows control characters of a masked value escaped: one row per secret', async () => {
    const box = sandbox();
    await box.run(['set', 'MULTI'], { input: 'ab\ncd\tefgh-ijkl-mnop-qrs\x1b[m' });
    await box.run(['set', 'OTHER'], { input: 'other-value-long' });
    const result = await box.run(['list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4); // the count, the heading, two rows
    expect(result.stdout).not.toContain('\x1b');
    expect(lines.find((line) => line.startsWith('MULTI'))).toContain('ab\\ncd\\tefgh...\\x1b[m');
  });
});

describe('export --json', () => {
  it('prints the same object as --format json', async () => {
    const box = sandbox();
    await box.run(['set', 'A'], { input: 'value-of-a-1' });
    const json = await box.run(['export', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ A: 'value-of-a-1' });
    expect(json.stdout).toBe((await box.run(['export', '--format', 'json'])).stdout);
    expect((await box.run(['export', '--json', '--format', 'dotenv'])).code).toBe(2);
  });
});

describe('master-key rotate', () => {
  it('says a garbage IRON_CAGE_NEW_MASTER_KEY is not base64 of 32 bytes', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY'], { input: 'value-number-1' });
    const result = await box.run(['master-key', 'rotate'], { env: { IRON_CAGE_NEW_MASTER_KEY: 'garbage' } });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('is not base64 of exactly 32 bytes (7 characters received');
    expect(result.stderr).not.toContain('stray bits');
    expect(result.stderr).not.toContain('garbage');
  });
});

describe('copy', () => {
  it('into a non-empty database says it must be empty and what it holds, changing nothing', async () => {
    const box = sandbox();
    await box.run(['set', 'A'], { input: 'value-of-a-1' });
    const other = sandbox();
    await other.run(['set', 'B'], { input: 'value-of-b-1' });
    await other.run(['set', 'C', '--env', 'staging'], { input: 'value-of-c-1' });
    const before = other.fingerprint();
    const result = await box.run(['copy', '--from', box.db, '--to', other.db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /must be empty, and it holds 2 secrets, \d+ audit entries and \d+ settings/,
    );
    expect(result.stderr).not.toContain('STORAGE_FAILED');
    expect(result.stderr).not.toContain('another process');
    expect(other.fingerprint()).toBe(before);
  });
});

describe('a PostgreSQL database that does not exist', () => {
  it('exits 3 (not found), as a missing SQLite file does', async () => {
    const box = sandbox();
    const url = new URL(process.env.IRON_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    url.pathname = `/iron_no_such_database_${process.pid}`;
    const result = await box.run(['list'], { env: { IRON_SECRETS_DB: url.href } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('(DATABASE_NOT_FOUND)');
    expect(result.stderr).toMatch(/does not exist/);
  });
});
