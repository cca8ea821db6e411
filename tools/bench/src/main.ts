/**
 * @module main
 * `pnpm bench`: runs every benchmark, prints the report and writes it to docs/benchmarks.md.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { argon2Implementation } from '@iron/secrets-crypto';
import { crudBenchmarks } from './crud-bench.js';
import { cryptoBenchmarks } from './crypto-bench.js';
import { fileBenchmarks } from './file-bench.js';
import { markdownReport } from './report.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 10 : 1;
const log = (line: string) => process.stderr.write(`${line}\n`);

log('crypto: AES-256-GCM and Argon2id...');
const crypto = await cryptoBenchmarks(scale, log);
log('CRUD on in-memory SQLite...');
const crud = await crudBenchmarks(scale);
log('get on a database file...');
const file = await fileBenchmarks(scale);

const report = markdownReport(
  { argon2: await argon2Implementation(), quick, crypto, crud, file },
  new Date(),
);
process.stdout.write(report);
if (!quick) {
  const target = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url));
  writeFileSync(target, report);
  log(`written to ${target}`);
}
