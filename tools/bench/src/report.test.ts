import { describe, expect, it } from 'vitest';
import type { Measurement } from './measure.js';
import { markdownReport } from './report.js';

const row = (name: string, p99: number): Measurement => ({
  name,
  iterations: 10,
  p50: p99 / 2,
  p99,
  p999: p99,
  mean: p99 / 2,
});

const crud = (prefix: string, p99: number, listP99: number) => ({
  create: row(`${prefix} create`, p99),
  get: row(`${prefix} get`, p99),
  update: row(`${prefix} update`, p99),
  delete: row(`${prefix} delete`, p99),
  list: row(`${prefix} list 100`, listP99),
});

describe('the benchmark report', () => {
  it('puts each p99 next to its target, honestly', () => {
    const baseline = row('@node-rs/argon2 (hashRaw)', 20);
    const ours = row('deriveKey (ours)', 21);
    const report = markdownReport(
      {
        argon2: '@node-rs/argon2',
        quick: false,
        durationSeconds: 90,
        aes: { encrypt: row('encrypt 1 KiB', 0.01), decrypt: row('decrypt 1 KiB', 2) },
        kdf: {
          rows: [baseline, row('hash-wasm (main thread)', 80), ours],
          baseline,
          ours,
          missing: [],
          cacheHit: row('cache hit', 0.01),
          parallel: { batch: 50, wallMs: 500, sequentialEstimateMs: 1000, threadPoolSize: 4 },
        },
        crud: { warm: crud('warm', 0.2, 12), cold: crud('cold', 30, 1500) },
        file: { get: row('get', 2), bareInsert: row('insert', 1) },
        cli: {
          nodeStart: row('node start', 100),
          version: row('version', 150),
          get: row('get', 200),
          list: row('list', 1100),
          rotateMs: 18_000,
          derivationsMs: 16_000,
        },
        runtime: {
          direct: row('direct', 2),
          run: [
            row('iron-secrets run, 1 secret', 300),
            row('iron-secrets run, 10 secrets', 400),
            row('iron-secrets run, 50 secrets', 790),
          ],
          remote: [
            row('iron-secrets run --server, 1 secret', 200),
            row('iron-secrets run --server, 10 secrets', 200),
            row('iron-secrets run --server, 50 secrets', 395),
          ],
        },
        redaction: {
          megabytes: 100,
          passThroughMBps: 1500,
          legacyExactMBps: 150,
          exactMBps: 140,
          derivedMBps: 120,
          derivedPatterns: 600,
          derivedMemoryMB: 4,
          legacyMemoryMB: 45,
          memoryPatterns: 600,
          byteAtATimeMs: 20,
          legacyByteAtATimeMs: 1000,
        },
        api: {
          bare: { name: 'bare', requestsPerSecond: 20_000, p50Ms: 2, p99Ms: 5, errors: 0, non2xx: 0 },
          get: { name: 'get', requestsPerSecond: 2_000, p50Ms: 20, p99Ms: 50, errors: 0, non2xx: 0 },
          seconds: 10,
        },
        postgres: {
          sqlite: {
            get: row('SQLite file: get', 1),
            update: row('u', 1),
            list: row('l', 8),
            create: row('c', 30),
          },
          postgres: {
            get: row('PostgreSQL: get (warm key cache)', 2),
            update: row('u', 2),
            list: row('l', 16),
            create: row('c', 40),
          },
          lock: {
            without: row('insert transaction', 0.4),
            with: row('insert transaction + advisory lock', 0.6),
          },
          contention: { single: 500, concurrent: 700 },
          api: { name: 'pg get', requestsPerSecond: 1_000, p50Ms: 40, p99Ms: 90, errors: 0, non2xx: 0 },
        },
      },
      new Date('2026-11-23T00:00:00Z'),
    );
    expect(report).toContain('| encrypt 1 KiB | 10 | 0.0050 | 0.0100 |');
    expect(report).toContain('| get (warm key cache) | 0.500 | 1.000 | 1.000 | 2.000 | 2.00x |');
    expect(report).toContain('The lock adds 0.1000 ms at p50');
    expect(report).toContain('700 from 8 writers on two instances (1.40x)');
    expect(report).toContain('0.50x of the same route');
    expect(report).toMatch(/decrypt 1 KiB.*< 1 ms \| MISS/);
    expect(report).toContain('- decrypt 1 KiB: p50 MISS (< 0.5 ms), p99 MISS (< 1 ms), p99.9 PASS (< 5 ms).');
    expect(report).toMatch(/deriveKey \(ours\).*< 10 ms \| MISS/);
    expect(report).toMatch(/cache hit.*< 10 ms \| PASS/);
    expect(report).toContain('hash-wasm (main thread) 4.00x; deriveKey (ours) 1.05x');
    expect(report).toMatch(/warm get.*< 5 ms \| PASS/);
    expect(report).toMatch(/warm list 100.*< 10 ms \| MISS/);
    expect(report).toMatch(/cold get.*< 6 ms † \| MISS/);
    expect(report).toMatch(/cold list 100.*< 1000 ms † \| MISS/);
    expect(report).toContain('(2.00x throughput');
    expect(report).toContain('get ÷ bare durable insert: p50 2.00x, p99 2.00x.');
    expect(report).toContain('--version 1.50x (module loading), get 2.00x, list of 100 11.00x');
    expect(report).toContain('1,000 secrets: 18000.0 ms, against 16000.0 ms');
    expect(report).toContain('(1.13x)');
    expect(report).toContain('1 secret 150.00x; 10 secrets 200.00x; 50 secrets 395.00x');
    expect(report).toContain('| every derived form (600 patterns) | 120 |');
    expect(report).toContain('Every derived form costs 1.17x the exact-only throughput');
    expect(report).toContain('1.25x the\n  redactor before derived forms (limit 2x: PASS)');
    expect(report).toContain('4.0 MB of heap\n  (limit 64 MB: PASS)');
    expect(report).toContain('16 KiB value written one byte per write: 20 ms');
    expect(report).toContain('against 1000 ms for the redactor before (50.00x)');
    expect(report).toContain('1 secret 0.67x; 10 secrets 0.50x; 50 secrets 0.50x');
    expect(report).toContain('| get | 2000 | 20 | 50 | 0 | 0 |');
    expect(report).toContain('runs at 0.10x of the bare route');
    expect(report).toContain('about 5.000 ms at p50');
  });
});
