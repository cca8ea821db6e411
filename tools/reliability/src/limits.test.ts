/**
 * Resource limits: 100,000 secrets and 1,000,000 audit entries in one SQLite file, then a flood of
 * requests (valid, unauthenticated, oversized, malformed) at `iron-secrets serve` on it. The
 * server stays up and answers every request with a status below 500, its memory stays bounded,
 * and listing and audit queries stay fast (timed and reported here, not asserted: the machine is
 * shared; the bounds below only catch a hang or a full scan gone wrong).
 */

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { SecretsManager } from '@iron/secrets-core';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { keepText, needle, scaled, secretValue } from './evidence.js';
import { database, masterKey, startServe } from './support.js';

const SECRETS = 100_000;
const AUDIT_ENTRIES = 1_000_000;
const REQUESTS = scaled(5_000, 50_000);
const CONCURRENCY = 100;
const MAX_VALUE_BYTES = 64 * 1024;

describe('resource limits', () => {
  it(`${SECRETS} secrets, ${AUDIT_ENTRIES} audit entries, ${REQUESTS} hostile and valid requests: up, bounded, fast`, async () => {
    const db = await database('sqlite');
    const key = masterKey();
    const manager = await SecretsManager.open({ database: db.location, masterKey: key });
    const listed = Array.from({ length: 100 }, (_, i) => ({
      name: `LISTED_${i}`,
      value: secretValue('limits'),
    }));
    await manager.importSecrets(listed, 'production');
    const { token } = await manager.createToken({ role: 'admin' });
    needle(token);
    await manager.close();

    // The bulk, written directly: rows shaped like ours (their ciphertexts are random bytes).
    const raw = new BetterSqlite3(db.location);
    raw.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SECRETS - listed.length})
      INSERT INTO secrets (id, name, encrypted_blob, nonce, salt, environment, created_at, updated_at)
        SELECT 'bulk-' || i, 'BULK_' || i, randomblob(48), randomblob(12), randomblob(16),
          CASE i % 2 WHEN 0 THEN 'development' ELSE 'staging' END, 1700000000, 1700000000 FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${AUDIT_ENTRIES})
      INSERT INTO secret_audit_log (secret_name, operation, requester_role, success, timestamp, environment,
          prev_hash, hash)
        SELECT 'BULK_' || (i % 5000), 'READ', 'agent', 1, 1700000000 + i, 'development',
          printf('%064x', i), printf('%064x', i + 1) FROM n;
    `);
    raw.close();

    const timings: Record<string, number> = {};
    const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      timings[label] = Math.round((performance.now() - started) * 10) / 10;
      return result;
    };
    const library = await SecretsManager.open({ database: db.location, masterKey: key });
    try {
      await library.listSecrets('admin', 'production'); // derives and caches the 100 keys
      const values = await timed('list 100 of 100,000 secrets', () =>
        library.listSecrets('admin', 'production'),
      );
      expect(values).toHaveLength(100);
      await timed('get 1 of 100,000 secrets', () =>
        library.getSecret('LISTED_7', 'admin', { environment: 'production' }),
      );
      const latest = await timed('audit: newest 100 of 1,000,000', () =>
        library.auditLog({ limit: 100, latest: true }),
      );
      expect(latest).toHaveLength(100);
      const bySecret = await timed('audit: one secret, 100 entries', () =>
        library.auditLog({ secretName: 'BULK_42', limit: 100 }),
      );
      expect(bySecret).toHaveLength(100);
      await timed('audit: one hour, 100 entries', () =>
        library.auditLog({
          since: new Date(1_700_500_000_000),
          until: new Date(1_700_503_600_000),
          limit: 100,
        }),
      );
    } finally {
      await library.close();
    }
    for (const [label, ms] of Object.entries(timings)) expect(ms, label).toBeLessThan(10_000);

    // The flood.
    const { child: server, url } = await startServe({
      IRON_SECRETS_DB: db.location,
      IRON_CAGE_MASTER_KEY: key,
      HOME: '/tmp',
    });
    const rss = () =>
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.process.pid}/status`, 'utf8'))![1]) / 1024;
    const rssBefore = rss();
    let rssPeak = rssBefore;
    const auth = { authorization: `Bearer ${token}` };
    const json = { ...auth, 'content-type': 'application/json' };
    const huge = 'x'.repeat(MAX_VALUE_BYTES + 1);
    /** Each request on a connection of its own: one the server closes takes no other with it. */
    const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(`${url}${path}`, { method, headers, agent: false }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode!, body: Buffer.concat(chunks).toString() }),
          );
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end(body);
      });
    const requests: { name: string; send: () => ReturnType<typeof send>; mayBeCutOff?: boolean }[] = [
      { name: 'get', send: () => send('GET', '/api/secrets/LISTED_3?environment=production', auth) },
      { name: 'list', send: () => send('GET', '/api/secrets?environment=production', auth) },
      {
        name: 'bad token',
        send: () =>
          send('GET', '/api/secrets/LISTED_3?environment=production', {
            authorization: `Bearer iron_000000000000_${'A'.repeat(43)}`,
          }),
      },
      // Refused from its length before it is read; the server may close the connection while the
      // client is still sending, which the client sees as a reset: that is the refusal too.
      {
        name: '2 MiB body',
        send: () => send('POST', '/api/secrets', json, 'x'.repeat(2 * 1024 * 1024)),
        mayBeCutOff: true,
      },
      {
        name: 'value over the limit',
        send: () =>
          send(
            'POST',
            '/api/secrets',
            json,
            JSON.stringify({
              name: `HUGE_${randomBytes(4).toString('hex')}`,
              value: huge,
              environment: 'production',
            }),
          ),
      },
      {
        name: '20 KB path',
        send: () => send('GET', `/api/secrets/${'N'.repeat(20_000)}?environment=production`, auth),
      },
      { name: 'audit', send: () => send('GET', '/api/secrets/audit?limit=100', auth) },
      { name: 'truncated JSON', send: () => send('PUT', '/api/secrets/LISTED_3', json, '{"value": ') },
    ];
    const statuses = new Map<number, number>();
    let sent = 0;
    let cutOff = 0;
    const errors: string[] = [];
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, rss());
    }, 100);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < REQUESTS) {
          const request = requests[sent++ % requests.length]!;
          try {
            const response = await request.send();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status >= 500)
              errors.push(`${request.name}: ${response.status} ${response.body.slice(0, 200)}`);
            if (response.status >= 400) keepText('limits-error-body', response.body);
          } catch (error) {
            if (request.mayBeCutOff && /EPIPE|ECONNRESET/.test(String(error))) cutOff += 1;
            else errors.push(`${request.name}: ${String(error)}`);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(errors).toEqual([]);
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    expect(rssPeak).toBeLessThan(1_024); // MiB: bounded, whatever the flood
    server.process.kill('SIGTERM');
    expect((await server.ended).code).toBe(0);
    process.stderr.write(
      `limits: ${JSON.stringify(timings)} ms; flood of ${REQUESTS} requests (${CONCURRENCY} at a time) in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${cutOff} oversized bodies cut off; server RSS ${rssBefore.toFixed(0)} MiB before, ${rssPeak.toFixed(0)} MiB at peak\n`,
    );
  }, 300_000);
});
