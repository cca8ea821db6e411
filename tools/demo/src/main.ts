/**
 * @module main
 * `pnpm demo`: runs the demo on a throw-away database in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from './demo.js';

const directory = mkdtempSync(join(tmpdir(), 'iron-secrets-demo-'));
try {
  const ok = await runDemo(join(directory, 'secrets.db'), (line) => process.stdout.write(`${line}\n`));
  process.exitCode = ok ? 0 : 1;
} catch (error) {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  rmSync(directory, { recursive: true, force: true });
}
