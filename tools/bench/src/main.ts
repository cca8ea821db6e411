/**
 * @module main
 * `pnpm bench`: runs every benchmark, prints the report and writes it to docs/benchmarks.md.
 * `--quick` runs a tenth of the iterations as a smoke test and writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { argon2Implementation } from '@iron/secrets-crypto';
import { aesBenchmarks } from './aes-bench.js';
import { apiBenchmarks } from './api-bench.js';
import { cliBenchmarks } from './cli-bench.js';
import { crudBenchmarks } from './crud-bench.js';
import { fileBenchmarks } from './file-bench.js';
import { hotSecretBenchmarks } from './hot-secret-bench.js';
import { kdfBenchmarks } from './kdf-bench.js';
import { postgresBenchmarks } from './postgres-bench.js';
import { redactionBenchmarks } from './redaction-bench.js';
import { markdownReport } from './report.js';
import { runtimeBenchmarks } from './runtime-bench.js';

const quick = process.argv.includes('--quick');
const scale = quick ? 10 : 1;
// Progress goes to stderr, so that stdout is the report alone.
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = performance.now();

log('NFR-1, NFR-2: AES-256-GCM...');
const aes = await aesBenchmarks(scale);
log('NFR-3: Argon2id, every implementation...');
const kdf = await kdfBenchmarks(scale, log);
log('NFR-4: CRUD on in-memory SQLite, warm and cold key cache...');
const crud = await crudBenchmarks(scale);
log('get on a database file, and a bare durable insert...');
const file = await fileBenchmarks(scale);
log('the iron-secrets binary: process wall time, master-key rotation...');
const cli = await cliBenchmarks(scale);
log('iron-secrets run: start-up with 1, 10, 50 secrets...');
const runtime = await runtimeBenchmarks(scale);
log('the redactor: throughput with every derived form, memory...');
const redaction = await redactionBenchmarks(scale);
log('the HTTP API under load (autocannon)...');
const api = await apiBenchmarks(scale);
log('production mode: PostgreSQL next to SQLite, the writers lock, the API on PostgreSQL...');
const postgres = await postgresBenchmarks(scale);
log('writes under contention: 8 writers on two instances, one hot secret, 30 s per backend...');
const hotSecret = await hotSecretBenchmarks(scale);

const report = markdownReport(
  {
    argon2: await argon2Implementation(),
    quick,
    durationSeconds: (performance.now() - started) / 1000,
    aes,
    kdf,
    crud,
    file,
    cli,
    runtime,
    redaction,
    api,
    postgres,
    hotSecret,
  },
  new Date(),
);
process.stdout.write(report);
// A quick run's numbers are too few to publish: it must not overwrite the full run's.
if (!quick) {
  const target = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url));
  writeFileSync(target, report);
  log(`written to ${target}`);
}
