/**
 * @module main
 * `pnpm demo`: Demo Trigger #4 (live rotation without a restart) on a throw-away database.
 * `pnpm demo -- --library` plays the library walkthrough instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from './library-demo.js';
import { runRotationDemo } from './rotation-demo.js';

const directory = mkdtempSync(join(tmpdir(), 'iron-secrets-demo-'));
const print = (line: string) => process.stdout.write(`${line}\n`);
try {
  const ok = process.argv.includes('--library')
    ? await runDemo(join(directory, 'secrets.db'), print)
    : await runRotationDemo(directory, print);
  process.exitCode = ok ? 0 : 1;
} catch (error) {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  rmSync(directory, { recursive: true, force: true });
}
