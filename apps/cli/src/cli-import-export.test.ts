/** import and export through the real binary: a tricky .env file, all-or-nothing, round trips. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from './test-support.js';

const TRICKY = [
  '\uFEFF# a dotenv file with everything in it',
  'export OPENAI_API_KEY=sk-proj-abc123def456ghi789   # inline comment',
  '  DB_PASSWORD = \'p@ss w0rd # not a comment "quoted"\'  ',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...}, which must stay unexpanded
  "SINGLE='literal \\n and $HOME and ${OTHER}'",
  "URL='https://example.com/path#fragment'",
  'PEM="-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
  '-----END PRIVATE KEY-----"',
  'JSON={"a": 1, "b": [2, 3]}',
  'UNICODE="héllo wörld ✓ 日本"',
  'EQUALS=a=b=c',
  'WINDOWS=crlf-value\r',
  '',
].join('\n');

const EXPECTED: Record<string, string> = {
  OPENAI_API_KEY: 'sk-proj-abc123def456ghi789',
  DB_PASSWORD: 'p@ss w0rd # not a comment "quoted"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...}, which must stay unexpanded
  SINGLE: 'literal \\n and $HOME and ${OTHER}',
  URL: 'https://example.com/path#fragment',
  PEM: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
  JSON: '{"a": 1, "b": [2, 3]}',
  UNICODE: 'héllo wörld ✓ 日本',
  EQUALS: 'a=b=c',
  WINDOWS: 'crlf-value',
};

describe('import', () => {
  it('imports a tricky .env file exactly, and export gives the same values back', async () => {
    const box = sandbox();
    const file = join(box.dir, '.env');
    writeFileSync(file, TRICKY);
    const imported = await box.run(['import', file, '--env', 'staging']);
    expect(imported).toMatchObject({
      code: 0,
      stdout: `Imported 9 from ${file} into staging: 9 created, 0 updated, 0 skipped\n`,
    });
    expect(imported.stdout + imported.stderr).not.toContain('sk-proj');
    for (const [name, value] of Object.entries(EXPECTED)) {
      expect((await box.run(['get', name, '--env', 'staging'])).stdout).toBe(value);
    }
    const json = await box.run(['export', '--env', 'staging', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(EXPECTED);

    // dotenv out, dotenv in: the same values in another environment.
    const dotenv = await box.run(['export', '--env', 'staging']);
    const copy = join(box.dir, 'copy.env');
    writeFileSync(copy, dotenv.stdout);
    expect((await box.run(['import', copy, '--env', 'production'])).code).toBe(0);
    expect(JSON.parse((await box.run(['export', '--env', 'production', '--format', 'json'])).stdout)).toEqual(
      EXPECTED,
    );
  });

  it('skips existing secrets unless --overwrite', async () => {
    const box = sandbox();
    await box.run(['set', 'A'], { input: 'old-value-a' });
    const file = join(box.dir, 'x.env');
    writeFileSync(file, 'A=new-value-a\nB=new-value-b\n');
    const first = await box.run(['import', file]);
    expect(first.stdout).toBe(
      `Imported 2 from ${file} into development: 1 created, 0 updated, 1 skipped\nSkipped (already in development; use --overwrite to replace): A\n`,
    );
    expect((await box.run(['get', 'A'])).stdout).toBe('old-value-a');
    const second = await box.run(['import', file, '--overwrite']);
    expect(second.stdout).toContain('0 created, 2 updated, 0 skipped');
    expect((await box.run(['get', 'A'])).stdout).toBe('new-value-a');
  });

  it('refuses the whole file when one line is wrong, naming the line but not the value', async () => {
    const box = sandbox();
    await box.run(['init']);
    const cases: [string, RegExp][] = [
      ['A=ok-value-1\n9BAD=secret-value-1\n', /line 2: a name must start with a letter/],
      ['A=ok-value-1\nA=secret-value-2\n', /line 2: A is assigned again \(first on line 1\)/],
      ['A="secret-value-3\\t"\n', /line 1: \\t in double quotes: dotenv keeps it as written/],
      ['A=secret-value-4#x\n', /line 1: a # inside an unquoted value: dotenv ends the value there/],
      [`A=ok-value-1\nB=${'x'.repeat(70_000)}\n`, /line 2: a secret value may be at most 65536 bytes/],
      [`# one entry\nB=${'x'.repeat(70_000)}\n`, /line 2: a secret value may be at most 65536 bytes/],
      ['# only comments\n', /no NAME=value lines/],
    ];
    for (const [text, message] of cases) {
      const file = join(box.dir, 'bad.env');
      writeFileSync(file, text);
      const before = box.fingerprint();
      const result = await box.run(['import', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain('secret-value');
      expect(box.fingerprint()).toBe(before);
    }
    const missing = await box.run(['import', join(box.dir, 'missing.env')]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('ENOENT') });
    // A device reports no size: it is read up to the cap, not without end.
    const endless = await box.run(['import', '/dev/zero']);
    expect(endless).toMatchObject({ code: 2, stderr: expect.stringMatching(/larger than \d+ bytes/) });
  });
});

describe('export', () => {
  it('audits every value it prints as a READ', async () => {
    const box = sandbox();
    await box.run(['set', 'A'], { input: 'value-of-a-1' });
    await box.run(['set', 'B'], { input: 'value-of-b-1' });
    await box.run(['export']);
    const trail = JSON.parse((await box.run(['audit', '--json'])).stdout) as {
      operation: string;
      secret_name: string;
    }[];
    expect(trail.filter((e) => e.operation === 'READ').map((e) => e.secret_name)).toEqual(['A', 'B']);
  });
});
