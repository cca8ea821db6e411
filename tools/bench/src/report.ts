/**
 * @module report
 * The benchmark results as markdown: one table per NFR, the spec's target next to each p99, and
 * the ratios to baselines measured in the same run (absolute numbers vary between runs on a
 * shared machine; ratios within one run are what compare).
 */
import type { AesResults } from './aes-bench.js';
import { type ApiResults, CONNECTIONS } from './api-bench.js';
import { type CliResults, LISTED_SECRETS } from './cli-bench.js';
import { CRUD_VALUE_BYTES, type CrudResults } from './crud-bench.js';
import type { FileResults } from './file-bench.js';
import { type HotSecretResults, hotSecretSection } from './hot-secret-bench.js';
import type { KdfResults } from './kdf-bench.js';
import { machineRows } from './machine.js';
import { grid, ms, ratio, table, verdict } from './markdown-table.js';
import { WARMUP_ITERATIONS } from './measure.js';
import { type PostgresResults, WRITERS } from './postgres-bench.js';
import {
  BYTE_AT_A_TIME_BYTES,
  MEMORY_LIMIT_MB,
  MEMORY_VALUE_BYTES,
  MEMORY_VALUES,
  REDACTED_SECRETS,
  type RedactionResults,
} from './redaction-bench.js';
import type { RuntimeResults } from './runtime-bench.js';

export interface Results {
  /** The Argon2id implementation `deriveKey` selected. */
  readonly argon2: string;
  readonly quick: boolean;
  /** Wall time of the whole run, in seconds. */
  readonly durationSeconds: number;
  readonly aes: AesResults;
  readonly kdf: KdfResults;
  readonly crud: CrudResults;
  readonly file: FileResults;
  readonly cli: CliResults;
  readonly runtime: RuntimeResults;
  readonly redaction: RedactionResults;
  readonly api: ApiResults;
  readonly postgres: PostgresResults;
  /** Plain updates of one hot secret under contention (issue 16); absent in older callers. */
  readonly hotSecret?: HotSecretResults;
}

/** NFR-1's acceptance: p50 < 0.5 ms, p99 < 1 ms, p99.9 < 5 ms. */
const AES_ACCEPTANCE = { p50: 0.5, p99: 1, p999: 5 } as const;
/** NFR-4.1: each operation p99 < 5 ms excluding crypto; a list of 100 secrets < 10 ms. */
const CRUD_MS = 5;
const LIST_MS = 10;
/** NFR-4's rationale: "<5ms + <1ms crypto = <6ms total". Not a target of its own: a budget. */
const CRUD_WITH_CRYPTO_MS = 6;
/** NFR-3's rationale: "10ms × 50 secrets = 500ms (acceptable for startup)", so 1 s for 100. */
const LIST_WITH_CRYPTO_MS = 1000;

function aesAcceptance(results: AesResults): string {
  return [results.encrypt, results.decrypt]
    .map(
      (row) =>
        `- ${row.name}: p50 ${verdict(row.p50, AES_ACCEPTANCE.p50)} (< ${AES_ACCEPTANCE.p50} ms), p99 ${verdict(row.p99, AES_ACCEPTANCE.p99)} (< ${AES_ACCEPTANCE.p99} ms), p99.9 ${verdict(row.p999, AES_ACCEPTANCE.p999)} (< ${AES_ACCEPTANCE.p999} ms).`,
    )
    .join('\n');
}

function listNote(crud: CrudResults): string {
  const verdictLine =
    crud.warm.list.p99 < LIST_MS
      ? '- list 100 passes its 10 ms at p99, though most of its time is the audit trail:'
      : '- list 100 misses its 10 ms at p99, and most of its time is the audit trail:';
  return `${verdictLine} it writes one
  hash-chained READ audit entry per secret it hands out (R3, FR-8.1). In a CPU profile of warm
  listings, those 100 HMACs and 100 inserts (appended as one batch) take about 4 ms, reading the 100
  rows about 1.5 ms and the 100 AES-GCM decryptions under 1 ms; its p99 also carries
  garbage-collection pauses. A single audit entry per listing would be faster, at the cost of
  per-secret answers to "who read X"; we kept per-secret entries.`;
}

export function markdownReport(results: Results, now: Date): string {
  const { aes, kdf, crud, file, cli, runtime, redaction, api, postgres } = results;
  const { warm, cold } = crud;
  const others = kdf.rows.filter((row) => row !== kdf.baseline);
  const parallel = kdf.parallel;
  return `# Benchmarks

Measured ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`pnpm bench\`${results.quick ? ' (**quick mode**: a tenth of the iterations, a smoke test only)' : ''}; the run took ${Math.round(results.durationSeconds)} s.

| machine | |
|---|---|
${machineRows(results.argon2)}

Every row runs its operation a fixed number of times (the iterations column; the spec names the
counts) after up to ${WARMUP_ITERATIONS} untimed warm-up calls. Percentiles are nearest-rank: each is a latency that
was observed, and with fewer than 1000 iterations p99.9 is the slowest call. This is a shared, noisy
machine: compare the ratios within one run, not absolute numbers across runs.

## NFR-1, NFR-2: AES-256-GCM, 1 KiB value

\`encrypt\` and \`decrypt\` of \`@iron/secrets-crypto\`, with a secret row's AAD.

${table([
  [aes.encrypt, { p99Ms: AES_ACCEPTANCE.p99 }],
  [aes.decrypt, { p99Ms: AES_ACCEPTANCE.p99 }],
])}

NFR-1's acceptance in full:

${aesAcceptance(aes)}

## NFR-3: Argon2id key derivation (m=19456 KiB, t=2, p=1, 32 bytes)

Every installed implementation, same run, same inputs; checked first (untimed) to give identical
bytes, and the run stops if they do not. \`deriveKey (ours)\` is the library's function: it checks
its inputs and calls \`${results.argon2}\`.

${table([...kdf.rows.map((row) => [row, { p99Ms: 10 }] as const), [kdf.cacheHit, { p99Ms: 10 }]])}
${kdf.missing.map((line) => `\n- Not measured: ${line}.`).join('')}

- p50 against \`@node-rs/argon2\` in the same run: ${others.map((row) => `${row.name} ${ratio(row.p50, kdf.baseline.p50)}`).join('; ')}.
- ${parallel.batch} concurrent \`deriveKey\` calls: ${ms(parallel.wallMs)} ms wall time, against ${ms(parallel.sequentialEstimateMs)} ms for ${parallel.batch} × one call's p50
  (${ratio(parallel.sequentialEstimateMs, parallel.wallMs)} throughput: native derivations run on libuv's ${parallel.threadPoolSize} pool threads, so on every core).
- **NFR-3's < 10 ms is missed** by every implementation at the FR-3.3 parameters on this hardware:
  they are OWASP's minimum for Argon2id, and they are what makes a stolen database expensive to
  attack, so they stay. What mitigates it: a derived key is derived once per process and kept in a
  bounded cache (wiped on eviction). A cache hit costs the last row above, and a repeat read costs
  the "warm" rows of NFR-4; the derivations of a cold listing run in parallel.

## NFR-4: CRUD on in-memory SQLite

\`SecretsManager.open({ database: ':memory:' })\`, values of ${CRUD_VALUE_BYTES} bytes. Spec: each operation p99
< ${CRUD_MS} ms excluding crypto; list of 100 secrets < ${LIST_MS} ms.

**Excluding crypto.** The crypto cannot be switched off, so these rows run with a warm derived-key
cache: every key is derived before the timed section. What remains is SQLite, the hash-chained
audit entry (in the operation's own transaction, R3) and AES-256-GCM (microseconds: see NFR-1).
Create cannot be warmed (every new secret gets a new salt, so a new key), so its row runs everything
\`createSecret\` does except the derivation, on the storage layer directly.

${table([
  [warm.create, { p99Ms: CRUD_MS }],
  [warm.get, { p99Ms: CRUD_MS }],
  [warm.update, { p99Ms: CRUD_MS }],
  [warm.delete, { p99Ms: CRUD_MS }],
  [warm.list, { p99Ms: LIST_MS }],
])}

${listNote(crud)}

**Including crypto**, as a user with a cold cache sees it (\`keyCacheSize: 0\`: every call derives its
key, as the first read of each secret in a new process does). The spec sets no target here; the
budgets (†) are its rationales': NFR-4's "<5ms + <1ms crypto = <6ms total", and NFR-3's 10 ms per
secret at startup (1 s for 100).

${table([
  [cold.create, { p99Ms: CRUD_WITH_CRYPTO_MS, note: ' †' }],
  [cold.get, { p99Ms: CRUD_WITH_CRYPTO_MS, note: ' †' }],
  [cold.update, { p99Ms: CRUD_WITH_CRYPTO_MS, note: ' †' }],
  [cold.delete, { p99Ms: CRUD_WITH_CRYPTO_MS, note: ' †' }],
  [cold.list, { p99Ms: LIST_WITH_CRYPTO_MS, note: ' †' }],
])}

Where the time goes (p50), with the crypto measured on its own in this run (\`deriveKey\` ${ms(kdf.ours.p50)} ms, AES ${ms(aes.encrypt.p50)} ms):

- get: cold ${ms(cold.get.p50)} ms − warm ${ms(warm.get.p50)} ms = ${ms(cold.get.p50 - warm.get.p50)} ms, one derivation.
- update: cold ${ms(cold.update.p50)} ms − warm ${ms(warm.update.p50)} ms = ${ms(cold.update.p50 - warm.update.p50)} ms, one derivation.
- create: ${ms(cold.create.p50)} ms − ${ms(warm.create.p50)} ms without the derivation = ${ms(cold.create.p50 - warm.create.p50)} ms, one derivation.
- list 100: cold ${ms(cold.list.p50)} ms − warm ${ms(warm.list.p50)} ms = ${ms(cold.list.p50 - warm.list.p50)} ms for 100 derivations, ${ms((cold.list.p50 - warm.list.p50) / 100)} ms each in parallel (${ratio(kdf.ours.p50 * 100, cold.list.p50 - warm.list.p50)} faster than one at a time).

## get on a database file

\`get\` with a warm key cache on a database file: WAL, \`synchronous=FULL\` (as the library opens it),
so every get commits its READ audit entry durably, one fsync. The baseline, in the same run: one
bare \`INSERT\` in its own transaction on a file with the same settings, through better-sqlite3.

${table([[file.get], [file.bareInsert]])}

- get ÷ bare durable insert: p50 ${ratio(file.get.p50, file.bareInsert.p50)}, p99 ${ratio(file.get.p99, file.bareInsert.p99)}.

## The \`iron-secrets\` binary

Whole-process wall time of the CLI on a database file (\`spawnSync\`, output to a pipe), next to
a bare \`node -e ""\` in the same run: Node's start-up, which this machine inflates (NODE_EXTRA_CA_CERTS).
Each process opens the database, checks the master key and derives every key it needs (no cache
survives a process).

${table([[cli.nodeStart], [cli.version], [cli.get], [cli.list]])}

- Against \`node -e ""\` (p50): --version ${ratio(cli.version.p50, cli.nodeStart.p50)} (module loading), get ${ratio(cli.get.p50, cli.nodeStart.p50)}, list of ${LISTED_SECRETS} ${ratio(cli.list.p50, cli.nodeStart.p50)}.
- get − --version: ${ms(cli.get.p50 - cli.version.p50)} ms at p50 to open the database, unwrap the audit-chain key (one derivation), derive the secret's key, decrypt and commit the READ entry.
- \`master-key rotate\` of ${results.quick ? 'a tenth of 1,000' : '1,000'} secrets: ${ms(cli.rotateMs)} ms, against ${ms(cli.derivationsMs)} ms for the 2 derivations per secret it cannot avoid, run concurrently in-process in the same run (${ratio(cli.rotateMs, cli.derivationsMs)}).

## The runtime injector: \`iron-secrets run\`

**Start-up**: milliseconds from spawning the command to the agent's first instruction (the agent
is \`sh -c 'date +%s%3N'\`, which prints the time as soon as it runs). The embedded source is cold:
each run opens the database, unwraps the audit-chain key and derives every secret's key (in
parallel on all cores), audits the reads, starts the endpoint, and only then starts the agent. The
remote source asks the API (in the benchmark's own process, on the same database) with an agent
token instead: no master key, no derivation in the agent's process.

${table([[runtime.direct], ...runtime.run.map((row) => [row] as const), ...runtime.remote.map((row) => [row] as const)])}

- Embedded, against starting the agent directly (p50): ${runtime.run.map((row) => `${row.name.replace('iron-secrets run, ', '')} ${ratio(row.p50, runtime.direct.p50)}`).join('; ')}.
- Remote (\`--server\`: the values come from the API, whose own key cache is warm after the first run), against the embedded source (p50): ${runtime.remote.map((row, index) => `${row.name.replace('iron-secrets run --server, ', '')} ${ratio(row.p50, runtime.run[index]!.p50)}`).join('; ')}.
- Each further secret adds about ${ms((runtime.run.at(-1)!.p50 - runtime.run[0]!.p50) / 49)} ms at p50 (1 to 50 secrets): its Argon2id derivation, spread over the cores.

${redactionSection(redaction)}

## The HTTP API under load

autocannon, ${CONNECTIONS} connections, ${api.seconds} s each, against one server on a database file: a bare
Hono route on the same server (baseline), then \`GET /api/secrets/:name\` with an admin token. Every
GET authenticates the token (a SHA-256 and a lookup), decrypts (warm key cache) and commits its
READ audit entry durably (one fsync).

| route | requests/s | p50 ms | p99 ms | errors | non-2xx |
|---|--:|--:|--:|--:|--:|
${[api.bare, api.get].map((row) => `| ${row.name} | ${row.requestsPerSecond.toFixed(0)} | ${row.p50Ms} | ${row.p99Ms} | ${row.errors} | ${row.non2xx} |`).join('\n')}

- GET of a secret runs at ${ratio(api.get.requestsPerSecond, api.bare.requestsPerSecond)} of the bare route's requests/s; its p99 is ${ratio(api.get.p99Ms, Math.max(api.bare.p99Ms, 1))} the bare route's.

${postgresSection(postgres, api)}
${results.hotSecret === undefined ? '' : `\n${hotSecretSection(results.hotSecret)}`}
## How to reproduce

\`pnpm bench\` builds the workspace, runs every benchmark (about ${Math.max(1, Math.round(results.durationSeconds / 60))} min on 2 cores) and rewrites this
file. \`node tools/bench/dist/main.js --quick\` (after a build) is a smoke test with a tenth of the
iterations; it prints its report and leaves this file alone.
`;
}

/** Production mode next to embedded, or why it was not measured. */
/** The issue's bound: derived forms may cost at most this factor of the exact-only throughput. */
const DERIVED_COST_LIMIT = 2;

function redactionSection(redaction: RedactionResults): string {
  const cost = redaction.exactMBps / redaction.derivedMBps;
  const legacyCost = redaction.legacyExactMBps / redaction.derivedMBps;
  return `**Redaction**: ${redaction.megabytes} MB of agent-like output in 64 KiB chunks (one line in 50 carries a value,
raw or base64 in a Basic auth header) through \`redactingStream\` with ${REDACTED_SECRETS} values of about 40 bytes with
characters that encoders escape, next to a plain \`PassThrough\` stream in the same run (three interleaved
rounds of a third each, the best kept). "exact only" is
today's scanner with the derived forms turned off; "before derived forms" is the redactor this
replaced (a trie node per byte), kept in tools/bench/src/legacy-redactor.ts as the baseline.

| stream | MB/s |
|---|--:|
| PassThrough (baseline) | ${redaction.passThroughMBps.toFixed(0)} |
| before derived forms (exact only, per-byte trie) | ${redaction.legacyExactMBps.toFixed(0)} |
| exact only (radix trie) | ${redaction.exactMBps.toFixed(0)} |
| every derived form (${redaction.derivedPatterns} patterns) | ${redaction.derivedMBps.toFixed(0)} |

- Every derived form costs ${cost.toFixed(2)}x the exact-only throughput of the same scanner and ${legacyCost.toFixed(2)}x the
  redactor before derived forms (limit ${DERIVED_COST_LIMIT}x: ${Math.max(cost, legacyCost) <= DERIVED_COST_LIMIT ? 'PASS' : 'MISS'}); ${ratio(redaction.derivedMBps, redaction.passThroughMBps)} of a pass-through.
- Memory, ${MEMORY_VALUES} values of ${MEMORY_VALUE_BYTES / 1024} KiB with every derived form (${redaction.memoryPatterns} patterns): ${redaction.derivedMemoryMB.toFixed(1)} MB of heap
  (limit ${MEMORY_LIMIT_MB} MB: ${redaction.derivedMemoryMB <= MEMORY_LIMIT_MB ? 'PASS' : 'MISS'}); the per-byte trie took ${redaction.legacyMemoryMB.toFixed(1)} MB for the same values exact only.
- A ${BYTE_AT_A_TIME_BYTES / 1024} KiB value written one byte per write: ${redaction.byteAtATimeMs.toFixed(0)} ms (a walk stopped for want of data is resumed, the
  held tail appended in place), against ${redaction.legacyByteAtATimeMs.toFixed(0)} ms for the redactor before (${ratio(redaction.legacyByteAtATimeMs, redaction.byteAtATimeMs)}), which copied and
  rescanned its held tail at every byte.`;
}

function postgresSection(pg: PostgresResults, api: ApiResults): string {
  const heading = '## Production mode: PostgreSQL next to SQLite';
  if (pg.skipped || !pg.sqlite || !pg.postgres || !pg.lock || !pg.contention || !pg.api) {
    return `${heading}\n\nNot measured: ${pg.skipped ?? 'incomplete run'}.`;
  }
  const { sqlite, postgres, lock, contention } = pg;
  const pairs = (['get', 'update', 'list', 'create'] as const).map(
    (op) => [sqlite[op], postgres[op]] as const,
  );
  return `${heading}

The library on a local PostgreSQL 15 (TCP, one pool of 10) and on a SQLite file (WAL, synchronous=FULL),
in the same run, both durable. Warm rows have their keys cached, so they show the database and the audit append.

${grid(
  ['operation', 'SQLite p50', 'SQLite p99', 'PostgreSQL p50', 'PostgreSQL p99', 'PostgreSQL / SQLite (p50)'],
  pairs.map(([s, p]) => [
    p.name.replace(/^PostgreSQL: /, ''),
    ms(s.p50),
    ms(s.p99),
    ms(p.p50),
    ms(p.p99),
    ratio(p.p50, s.p50),
  ]),
)}

What serialising writers costs. Every writing transaction takes one advisory lock first, so that two
instances never link audit entries to the same chain head:

${grid(
  ['measurement', 'p50', 'p99'],
  [
    [lock.without.name, ms(lock.without.p50), ms(lock.without.p99)],
    [lock.with.name, ms(lock.with.p50), ms(lock.with.p99)],
  ],
)}

- The lock adds ${ms(lock.with.p50 - lock.without.p50)} ms at p50 to an uncontended transaction (${ratio(lock.with.p50, lock.without.p50)} its time).
- Audited updates per second: ${contention.single.toFixed(0)} from one writer, ${contention.concurrent.toFixed(0)} from ${WRITERS} writers on two instances (${ratio(contention.concurrent, contention.single)}): writers queue rather than run in parallel, which is the price of one verifiable chain.
- The HTTP API on PostgreSQL (${CONNECTIONS} connections, ${api.seconds} s): ${pg.api.requestsPerSecond.toFixed(0)} requests/s, p50 ${pg.api.p50Ms} ms, p99 ${pg.api.p99Ms} ms, ${pg.api.errors} errors, ${pg.api.non2xx} non-2xx; ${ratio(pg.api.requestsPerSecond, api.get.requestsPerSecond)} of the same route's requests/s on SQLite above.`;
}
