/**
 * Hostile and mistaken input through the real binary: every case gets one clean error line (and
 * perhaps a hint), the documented exit code, no stack trace, no echo of what could be a secret,
 * and no change to the database.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { newMasterKey, type Sandbox, sandbox } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';
/** Something that looks like a credential, typed where it does not belong. */
const LEAK = 'sk-live-LEAKED-4f9a8b7c6d5e';

let box: Sandbox;
beforeEach(async () => {
  box = sandbox();
  await box.run(['set', 'KEY', '--env', 'production'], { input: VALUE });
});

interface Case {
  readonly title: string;
  readonly args: readonly string[];
  readonly input?: string | Buffer;
  readonly env?: Record<string, string | undefined>;
  readonly code: number;
  readonly errorCode: string;
  /** A refused operation on a real target is audited (R3): its failure entry is the only change. */
  readonly audited?: true;
}

const CASES: readonly Case[] = [
  { title: 'no command', args: [], code: 2, errorCode: 'USAGE' },
  { title: 'an unknown command', args: ['lsit'], code: 2, errorCode: 'USAGE' },
  { title: 'a value typed as a command', args: [LEAK], code: 2, errorCode: 'USAGE' },
  { title: 'an unknown flag', args: ['list', '--bogus'], code: 2, errorCode: 'USAGE' },
  { title: 'a value in an unknown flag', args: ['list', `--password=${LEAK}`], code: 2, errorCode: 'USAGE' },
  {
    title: 'a value as an argument of set',
    args: ['set', 'KEY', LEAK],
    input: VALUE,
    code: 2,
    errorCode: 'USAGE',
  },
  { title: 'a missing name', args: ['get'], code: 2, errorCode: 'USAGE' },
  { title: 'too many arguments', args: ['get', 'KEY', 'OTHER'], code: 2, errorCode: 'USAGE' },
  { title: 'a bad name', args: ['get', 'BAD-NAME'], code: 2, errorCode: 'INVALID_SECRET_NAME' },
  {
    title: 'a value as a name',
    args: ['set', LEAK],
    input: VALUE,
    code: 2,
    errorCode: 'INVALID_SECRET_NAME',
  },
  {
    title: 'a name of 257 characters',
    args: ['set', 'A'.repeat(257)],
    input: VALUE,
    code: 2,
    errorCode: 'INVALID_SECRET_NAME',
  },
  {
    title: 'SQL in a name',
    args: ['get', "KEY'; DROP TABLE secrets;--"],
    code: 2,
    errorCode: 'INVALID_SECRET_NAME',
  },
  {
    title: 'a bad --env',
    args: ['set', 'KEY', '--env', 'prod'],
    input: VALUE,
    code: 2,
    errorCode: 'INVALID_ENVIRONMENT',
  },
  {
    title: 'a bad IRON_SECRETS_ENV',
    args: ['list'],
    env: { IRON_SECRETS_ENV: LEAK },
    code: 2,
    errorCode: 'INVALID_ENVIRONMENT',
  },
  { title: 'empty stdin', args: ['set', 'NEW'], input: '', code: 2, errorCode: 'INVALID_INPUT' },
  {
    title: 'only a newline on stdin',
    args: ['set', 'NEW'],
    input: '\n',
    code: 2,
    errorCode: 'INVALID_INPUT',
  },
  {
    title: 'a 10 MiB value',
    args: ['set', 'NEW'],
    input: Buffer.alloc(10 * 1024 * 1024, 0x61),
    code: 2,
    errorCode: 'INVALID_INPUT',
  },
  {
    title: 'a value of 64 KiB + 1',
    args: ['set', 'NEW'],
    input: 'a'.repeat(65_537),
    code: 2,
    errorCode: 'INVALID_SECRET_VALUE',
  },
  {
    title: 'a value that is not UTF-8',
    args: ['set', 'NEW'],
    input: Buffer.from([0x61, 0xff, 0xfe]),
    code: 2,
    errorCode: 'INVALID_INPUT',
  },
  {
    title: 'a NUL in the value',
    args: ['set', 'NEW'],
    input: 'abc\0def-123',
    code: 2,
    errorCode: 'INVALID_SECRET_VALUE',
  },
  {
    title: 'a bad duration',
    args: ['set', 'NEW', '--expires-in', '90 days'],
    input: VALUE,
    code: 2,
    errorCode: 'USAGE',
  },
  {
    title: 'a zero duration',
    args: ['set', 'NEW', '--rotate-every', '0d'],
    input: VALUE,
    code: 2,
    errorCode: 'USAGE',
  },
  {
    title: 'a missing --from-file',
    args: ['set', 'NEW', '--from-file', '/nonexistent/file'],
    code: 2,
    errorCode: 'INVALID_INPUT',
  },
  {
    title: 'a directory as --from-file',
    args: ['set', 'NEW', '--from-file', '/tmp'],
    code: 2,
    errorCode: 'INVALID_INPUT',
  },
  { title: 'a bad --limit', args: ['audit', '--limit', '-5'], code: 2, errorCode: 'USAGE' },
  { title: 'a bad --format', args: ['export', '--format', 'yaml'], code: 2, errorCode: 'USAGE' },
  { title: 'a bad --role', args: ['token', 'create', '--role', 'root'], code: 2, errorCode: 'USAGE' },
  {
    title: 'a token where its id belongs',
    args: ['token', 'revoke', `iron_0123456789ab_${'A'.repeat(43)}`],
    code: 2,
    errorCode: 'INVALID_ARGUMENT',
  },
  {
    title: 'an unknown token id',
    args: ['token', 'revoke', '0123456789ab'],
    code: 3,
    errorCode: 'TOKEN_NOT_FOUND',
    audited: true,
  },
  {
    title: 'a missing secret',
    args: ['get', 'NOPE', '--env', 'production'],
    code: 3,
    errorCode: 'SECRET_NOT_FOUND',
    audited: true,
  },
  {
    title: 'a missing master key',
    args: ['list'],
    env: { IRON_CAGE_MASTER_KEY: undefined },
    code: 5,
    errorCode: 'MASTER_KEY_NOT_FOUND',
  },
  {
    title: 'a malformed master key',
    args: ['list'],
    env: { IRON_CAGE_MASTER_KEY: LEAK },
    code: 5,
    errorCode: 'INVALID_MASTER_KEY',
  },
  {
    title: 'both key variables',
    args: ['list'],
    env: { IRON_CAGE_MASTER_KEY_FILE: '/etc/hostname' },
    code: 5,
    errorCode: 'INVALID_MASTER_KEY',
  },
  {
    title: 'a wrong master key',
    args: ['get', 'KEY', '--env', 'production'],
    env: { IRON_CAGE_MASTER_KEY: newMasterKey() },
    code: 5,
    errorCode: 'MASTER_KEY_MISMATCH',
  },
  {
    title: 'a wrong key on set',
    args: ['set', 'KEY', '--env', 'production'],
    input: 'other-value-1',
    env: { IRON_CAGE_MASTER_KEY: newMasterKey() },
    code: 5,
    errorCode: 'MASTER_KEY_MISMATCH',
  },
  {
    title: 'a missing key on set',
    args: ['set', 'NEW'],
    input: VALUE,
    env: { IRON_CAGE_MASTER_KEY: undefined },
    code: 5,
    errorCode: 'MASTER_KEY_NOT_FOUND',
  },
  {
    title: 'a file that is not a database',
    args: ['list', '--db', '/etc/hostname'],
    code: 1,
    errorCode: 'STORAGE_UNAVAILABLE',
  },
];

async function auditTrail(): Promise<{ success: boolean; error_message: string | null }[]> {
  return JSON.parse((await box.run(['audit', '--json', '--limit', '10000'])).stdout);
}

describe('bad input: a clean error, the documented exit code, nothing changed', () => {
  it.each(CASES)('$title', async ({ args, input, env, code, errorCode, audited }) => {
    const before = box.fingerprint();
    const trailBefore = audited ? await auditTrail() : [];
    const result = await box.run(args, {
      ...(input === undefined ? {} : { input }),
      ...(env ? { env } : {}),
    });
    expect(result.code).toBe(code);
    // Commander prints the help before our line when no command is given; the error is last.
    const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(new RegExp(`^error: \\S.* \\(${errorCode}\\)$`));
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.stdout + result.stderr).not.toContain(LEAK);
    expect(result.stdout + result.stderr).not.toContain(VALUE);
    if (audited) {
      const trail = await auditTrail();
      expect(trail.slice(0, -1)).toEqual(trailBefore);
      expect(trail.at(-1)).toMatchObject({
        success: false,
        error_message: expect.stringContaining(errorCode),
      });
      expect((await box.run(['get', 'KEY', '--env', 'production'])).stdout).toBe(VALUE);
    } else {
      expect(box.fingerprint()).toBe(before);
    }
  });

  it('shows a stack trace only with IRON_SECRETS_DEBUG=1', async () => {
    const result = await box.run(['get', 'NOPE'], { env: { IRON_SECRETS_DEBUG: '1' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it('a bad import file changes nothing', async () => {
    const file = join(box.dir, 'bad.env');
    writeFileSync(file, `GOOD=fine-value-1\nBROKEN="${LEAK}\n`);
    const before = box.fingerprint();
    const result = await box.run(['import', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${file} line 2: the quoted value starting here is never closed\n` +
        `error: ${file} has 1 malformed line (line 2) (INVALID_INPUT)\n` +
        'hint: fix them, or pass --skip-invalid to import the rest; nothing was imported\n',
    );
    expect(box.fingerprint()).toBe(before);
  });
});
