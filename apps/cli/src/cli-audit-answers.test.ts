/**
 * Issue 15, "the audit trail answers an auditor's questions", through the real binary: the
 * paging rule, what each READ handed out, names-only listings, and filters for master-key and
 * token entries, operations, results and time.
 */
import { describe, expect, it } from 'vitest';
import { sandbox } from './test-support.js';

type Entry = {
  id: number;
  operation: string;
  secret_name: string;
  success: boolean;
  disclosure: string | null;
};

describe('iron-secrets audit answers an auditor', () => {
  it('says what each READ handed out; --disclosure value answers "who saw the plaintext"', async () => {
    const box = sandbox();
    await box.run(['set', 'DB_PASSWORD'], { input: 'correct-horse-battery' });
    await box.run(['list']);
    await box.run(['get', 'DB_PASSWORD']);
    const names = await box.run(['list', '--names-only', '--json']);
    expect(names.code).toBe(0);
    const [listed] = JSON.parse(names.stdout);
    expect(listed).toMatchObject({ name: 'DB_PASSWORD', rotation_status: 'ok' });
    expect(listed).not.toHaveProperty('value_masked');
    expect((await box.run(['list', '--names-only'])).stdout).not.toContain('corr');

    const table = await box.run(['audit']);
    expect(table.stdout).toMatch(/READ \(masked\)\s+DB_PASSWORD/);
    expect(table.stdout).toMatch(/READ \(value\)\s+DB_PASSWORD/);
    expect(table.stdout).toMatch(/READ \(none\)\s+DB_PASSWORD/);
    const plaintext = JSON.parse(
      (
        await box.run([
          'audit',
          '--secret',
          'DB_PASSWORD',
          '--disclosure',
          'value',
          '--result',
          'success',
          '--json',
        ])
      ).stdout,
    ) as Entry[];
    expect(plaintext.map((e) => [e.operation, e.disclosure])).toEqual([['READ', 'value']]);
  });

  it('pages with --limit (newest), --before and --after, and filters by operation, result and time', async () => {
    const box = sandbox();
    for (const name of ['A', 'B', 'C', 'D']) await box.run(['set', name], { input: `value-of-${name}-1` });
    await box.run(['get', 'MISSING']);
    const all = JSON.parse((await box.run(['audit', '--json'])).stdout) as Entry[];
    const newest = JSON.parse((await box.run(['audit', '--limit', '2', '--json'])).stdout) as Entry[];
    expect(newest.map((e) => e.id)).toEqual(all.slice(-2).map((e) => e.id));
    const before = JSON.parse(
      (await box.run(['audit', '--limit', '2', '--before', String(newest[0]!.id), '--json'])).stdout,
    ) as Entry[];
    expect(before.map((e) => e.secret_name)).toEqual(['B', 'C']);
    const after = JSON.parse(
      (await box.run(['audit', '--limit', '2', '--after', String(all[0]!.id), '--json'])).stdout,
    ) as Entry[];
    expect(after.map((e) => e.secret_name)).toEqual(['B', 'C']);
    const failed = JSON.parse(
      (await box.run(['audit', '--operation', 'read', '--result', 'failure', '--json'])).stdout,
    ) as Entry[];
    expect(failed.map((e) => e.secret_name)).toEqual(['MISSING']);
    expect(JSON.parse((await box.run(['audit', '--until', '2001-01-01', '--json'])).stdout)).toEqual([]);
    expect((await box.run(['audit', '--result', 'SUCCESS', '--json'])).code).toBe(0);
    expect(JSON.parse((await box.run(['audit', '--since', '1h', '--json'])).stdout)).toHaveLength(all.length);
  });

  it('--secret takes master-key and token:<id>, as the documented entries name them', async () => {
    const box = sandbox();
    await box.run(['init']);
    const created = JSON.parse((await box.run(['token', 'create', '--role', 'viewer', '--json'])).stdout);
    await box.run(['token', 'revoke', created.id]);
    const token = await box.run(['audit', '--secret', `token:${created.id}`, '--json']);
    expect(token.code).toBe(0);
    expect((JSON.parse(token.stdout) as Entry[]).map((e) => e.operation)).toEqual(['CREATE', 'DELETE']);
    const master = await box.run(['audit', '--secret', 'master-key']);
    expect(master.code).toBe(0);
    expect(master.stdout).toContain('0 audit entries');
  });

  it('refuses a bad filter with exit 2 saying what was expected, and never echoes a token', async () => {
    const box = sandbox();
    await box.run(['init']);
    const cases: [string[], RegExp][] = [
      [['--operation', 'reads'], /--operation takes one of CREATE, READ, UPDATE, DELETE/],
      [['--result', 'ok'], /--result takes one of success, failure/],
      [['--disclosure', 'plain'], /--disclosure takes one of value, masked, none/],
      [['--since', 'yesterday'], /--since takes a duration back from now .* or an ISO 8601 date/],
      [['--since', '2026-02-30'], /--since takes a duration back from now .* or an ISO 8601 date/],
      [['--requester', ''], /--requester takes a token id/],
      [['--before', 'x'], /--before takes an audit entry id/],
      [['--secret', 'token:iron_0123456789ab_secret-token-text'], /12 hexadecimal digits/],
    ];
    for (const [args, message] of cases) {
      const result = await box.run(['audit', ...args]);
      expect([args, result.code]).toEqual([args, 2]);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain('secret-token-text');
    }
  });
});
