/**
 * @module report
 * The benchmark results as markdown: one table per NFR, the spec's target next to each p99.
 */
import { cpus, platform, release, totalmem } from 'node:os';
import type { CrudResults } from './crud-bench.js';
import type { CryptoResults } from './crypto-bench.js';
import type { Measurement } from './measure.js';

export interface Results {
  readonly argon2: string;
  readonly quick: boolean;
  readonly crypto: CryptoResults;
  readonly crud: CrudResults;
  readonly file: { readonly get: Measurement; readonly bareInsert: Measurement };
}

const ms = (value: number) =>
  value < 0.1 ? value.toFixed(4) : value < 10 ? value.toFixed(3) : value.toFixed(1);

function table(rows: readonly Measurement[], targetMs?: (row: Measurement) => number | undefined): string {
  const lines = [
    '| operation | iterations | p50 ms | p99 ms | p99.9 ms | mean ms | target p99 | |',
    '|---|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const row of rows) {
    const target = targetMs?.(row);
    const verdict = target === undefined ? '' : row.p99 < target ? 'PASS' : 'MISS';
    lines.push(
      `| ${row.name} | ${row.iterations} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.p999)} | ${ms(row.mean)} | ${target === undefined ? '' : `< ${target} ms`} | ${verdict} |`,
    );
  }
  return lines.join('\n');
}

export function markdownReport(results: Results, now: Date): string {
  const cpu = cpus();
  const { crypto, crud, file } = results;
  const nodeRs = crypto.kdf[0]!;
  const ours = crypto.kdf.at(-1)!;
  return `# Benchmarks

Measured ${now.toISOString().slice(0, 10)} by \`pnpm bench\`${results.quick ? ' (quick mode: fewer iterations)' : ''}.
Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}.
Argon2id in use: \`${results.argon2}\`. Shared, noisy machines: compare ratios within one run, not across runs.

## NFR-1, NFR-2: AES-256-GCM, 1 KiB value

Spec: p50 < 0.5 ms, p99 < 1 ms, p99.9 < 5 ms.

${table(crypto.aes, () => 1)}

## NFR-3: Argon2id key derivation (m=19456 KiB, t=2, p=1, 32 bytes)

Every installed implementation, same run, same inputs (checked to give identical bytes first).

${table(crypto.kdf, () => 10)}
${crypto.missing.map((line) => `\n- Not measured: ${line}.`).join('')}

- \`deriveKey\` ÷ \`@node-rs/argon2\` alone (p50): ${(ours.p50 / nodeRs.p50).toFixed(2)}x.
- ${crypto.parallel.batch} derivations at once: ${ms(crypto.parallel.wallMs)} ms wall time, against ${ms(crypto.parallel.sequentialEstimateMs)} ms for ${crypto.parallel.batch} x p50 one after another (${(crypto.parallel.sequentialEstimateMs / crypto.parallel.wallMs).toFixed(2)}x: derivations run on the thread pool, on every core).
- **NFR-3's < 10 ms is missed** by every implementation at the FR-3.3 parameters on this hardware: the
  parameters are OWASP's minimum and are what makes a stolen database expensive to attack. What
  mitigates it: a derived key is derived once per process and cached (bounded, wiped on eviction), so
  a repeat read costs the "warm" rows below; cold derivations of a listing run in parallel.

## NFR-4: CRUD on in-memory SQLite

Spec: each operation p99 < 5 ms excluding crypto; list of 100 secrets < 10 ms.

Excluding crypto (no key derivation; AES-256-GCM, a few microseconds, is still inside get, update
and list). Each operation includes its audit entry (hash-chained, in the same transaction for
changes; R3). Create always derives a key for its new salt, so its row measures the same
transaction on the storage layer directly.

${table(crud.excludingCrypto, (row) => (row.name.startsWith('list') ? 10 : 5))}

- list 100 writes one hash-chained READ audit entry per secret it hands out (R3, FR-8.1). In a CPU
  profile of warm listings, those 100 HMACs and 100 inserts (appended as one batch) take about 4 ms,
  reading the 100 rows about 1.5 ms and the 100 AES-GCM decryptions under 1 ms; its p99 also carries
  garbage-collection pauses. That is why it misses the 10 ms target at p99. A single audit entry per
  listing would meet it, at the cost of per-secret answers to "who read X"; we kept per-secret entries.

Including crypto, as a process with a cold key cache sees it (every operation derives its key):

${table(crud.includingCrypto)}

## get on a database file

WAL mode, \`synchronous=FULL\`: every get commits its READ audit entry durably. The baseline is one
bare SQLite INSERT in its own transaction on a file with the same settings, in the same run.

${table([file.get, file.bareInsert])}

- get ÷ bare durable insert (p50): ${(file.get.p50 / file.bareInsert.p50).toFixed(2)}x.

Reproduce: \`pnpm bench\` (about two minutes on 2 cores); \`pnpm bench -- --quick\` for a smoke run.
`;
}
