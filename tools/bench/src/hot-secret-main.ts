/**
 * @module hot-secret-main
 * `node tools/bench/dist/hot-secret-main.js [--quick]` (after a build): the contention benchmark
 * of issue 16 alone (about a minute and a quarter), its section of docs/benchmarks.md on stdout.
 * `pnpm bench` runs it with everything else and writes the file.
 */
import { hotSecretBenchmarks, hotSecretSection } from './hot-secret-bench.js';

const quick = process.argv.includes('--quick');
const results = await hotSecretBenchmarks(quick ? 10 : 1);
process.stdout.write(hotSecretSection(results));
