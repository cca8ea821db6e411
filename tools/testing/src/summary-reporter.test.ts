/**
 * The closing `N passed, N failed[, N skipped]` line (vitest.summary-reporter.ts), on a tiny
 * throw-away project run by vitest in a child process: a file that fails to load, or whose
 * `beforeAll` throws, is a failure in that line, not a silent zero.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const REPORTER = resolve(here, '../../../vitest.summary-reporter.ts');
const VITEST = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs vitest with the summary reporter on `files` (name to source, globals on); its closing line and exit code. */
function runVitest(files: Record<string, string>): { line: string; status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'iron-summary-'));
  dirs.push(dir);
  writeFileSync(
    join(dir, 'vitest.config.mjs'),
    `export default { test: { globals: true, include: ['*.test.mjs'], reporters: ['default', ${JSON.stringify(REPORTER)}] } };\n`,
  );
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  const result = spawnSync(
    process.execPath,
    [VITEST, 'run', '--root', dir, '--config', 'vitest.config.mjs'],
    {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 60_000,
    },
  );
  const output = `${result.stdout}${result.stderr}`;
  const lines = result.stdout.trim().split('\n');
  return { line: lines.at(-1) ?? '', status: result.status, output };
}

describe('the closing summary line', () => {
  it('counts the passed tests and exits 0 when everything passes', () => {
    const { line, status, output } = runVitest({
      'a.test.mjs': "test('one', () => {});\ntest('two', () => {});\n",
    });
    expect(line, output).toBe('2 passed, 0 failed');
    expect(status).toBe(0);
  });

  it('counts each file that fails to load, or whose beforeAll throws, as a failure; the run exits non-zero', () => {
    const { line, status, output } = runVitest({
      'a.test.mjs': "test('passes', () => {});\ntest.skip('later', () => {});\n",
      // A throw at import, as a missing Chromium or python3 did.
      'b.test.mjs':
        "throw new Error('Chromium is not installed at /usr/bin/chromium');\ntest('never', () => {});\n",
      // A throw in beforeAll: vitest marks the file's two tests skipped, and the file failed.
      'c.test.mjs':
        "beforeAll(() => { throw new Error('no browser'); });\ntest('needs it', () => {});\ntest('too', () => {});\n",
      // An import that does not resolve.
      'd.test.mjs': "import './missing-module.mjs';\ntest('never', () => {});\n",
    });
    expect(line, output).toBe('1 passed, 3 failed, 3 skipped');
    expect(status).toBe(1);
  });
});
