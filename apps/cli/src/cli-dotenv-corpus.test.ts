/**
 * Issue 15, through the real binary: `iron-secrets import --skip-invalid` on every file of the
 * dotenv corpus (fixtures/dotenv) stores exactly what the `dotenv` package reads for each name it
 * imports, and names every other name dotenv reads (a malformed line, or an empty value) on
 * stderr. `export` writes only what dotenv, `import` and a shell read the same, and refuses the
 * rest before printing anything.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { sandbox } from './test-support.js';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'dotenv');

/** The line ranges stderr reports as malformed: `line 3:` and `lines 8-10:`. */
function reportedLines(stderr: string): [number, number][] {
  return [...stderr.matchAll(/ lines? (\d+)(?:-(\d+))?: /g)].map((m) => [Number(m[1]), Number(m[2] ?? m[1])]);
}

describe('import of the dotenv corpus through the binary', () => {
  const files = readdirSync(CORPUS).filter((file) => file.endsWith('.env'));

  it('has the corpus', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files)(
    '%s: imports what dotenv reads, exactly, and names on stderr every other name dotenv reads',
    async (file) => {
      const box = sandbox();
      const path = join(CORPUS, file);
      const theirs = dotenv.parse(readFileSync(path));
      const imported = await box.run(['import', path, '--skip-invalid']);
      expect(imported.code, imported.stderr).toBe(0);
      const ours = JSON.parse((await box.run(['export', '--json'])).stdout) as Record<string, string>;
      for (const [name, value] of Object.entries(ours)) expect(theirs[name], name).toBe(value);

      const lines = readFileSync(path, 'utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r\n?|\n/);
      const ranges = reportedLines(imported.stderr);
      for (const name of Object.keys(theirs)) {
        if (Object.hasOwn(ours, name)) continue;
        const empty = new RegExp(`empty values? \\(a secret cannot be empty\\): .*\\b${name}\\b`);
        const onReportedLine = lines.some(
          (line, i) => line.includes(name) && ranges.some(([from, to]) => from <= i + 1 && i + 1 <= to),
        );
        expect(
          empty.test(imported.stderr) || onReportedLine,
          `${name} is read by dotenv but neither imported nor reported:\n${imported.stderr}`,
        ).toBe(true);
      }
    },
    30_000,
  );
});

describe('export in dotenv format', () => {
  it('writes a file dotenv reads to the stored values, and refuses a value it cannot write, printing nothing', async () => {
    const box = sandbox();
    const values: Record<string, string> = {
      PLAIN: 'sk-plain-value-1',
      WITH_QUOTE: "it's # fine",
      WITH_DOLLAR: '$HOME `id` "x"',
      // `set` drops one final newline of what it reads, as $(...) does.
      MULTI_LINE: '-----BEGIN KEY-----\nAAAA\n-----END KEY-----',
      WINDOWS_PATH: 'C:\\new\\table',
    };
    for (const [name, value] of Object.entries(values)) await box.run(['set', name], { input: value });
    const exported = await box.run(['export']);
    expect(exported.code).toBe(0);
    expect(dotenv.parse(exported.stdout)).toEqual(values);
    const file = join(box.dir, 'round-trip.env');
    writeFileSync(file, exported.stdout);
    expect((await box.run(['import', file, '--env', 'staging'])).code).toBe(0);
    expect(JSON.parse((await box.run(['export', '--env', 'staging', '--json'])).stdout)).toEqual(values);

    await box.run(['set', 'DB_PASSWORD'], { input: "pa'ss$word-value" });
    const refused = await box.run(['export']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      'error: the value of DB_PASSWORD cannot be written as dotenv that dotenv, `import` and a shell all read the same: it holds a single quote together with one of \\ " $ ` (USAGE)',
    );
    expect(refused.stderr).toContain(
      'hint: export with --format json (or --json) instead; nothing was written',
    );
    expect(refused.stderr).not.toContain('word-value');
    expect(JSON.parse((await box.run(['export', '--json'])).stdout).DB_PASSWORD).toBe("pa'ss$word-value");

    await box.run(['set', 'WINDOWS_DIR'], { input: 'C:\\dir-value\\' });
    const both = await box.run(['export']);
    expect(both).toMatchObject({ code: 2, stdout: '' });
    expect(both.stderr).toContain(
      'error: the values of DB_PASSWORD, WINDOWS_DIR cannot be written as dotenv that dotenv, `import` and a shell all read the same (DB_PASSWORD holds a single quote together with one of \\ " $ `; WINDOWS_DIR ends with a backslash) (USAGE)',
    );
  }, 60_000);
});
