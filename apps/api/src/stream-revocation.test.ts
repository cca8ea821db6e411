/**
 * Issue 14, finding 6: an open event stream ends within a second once its token is revoked, by
 * another process on the same database, or once it expires; it did not end at all before.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManager } from '@iron/secrets-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createApi } from './app.js';
import { FailureLimiter } from './auth.js';
import { readSse, within } from './sse-test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An API on a database file, and a second manager on it: another process, as `token revoke` is. */
async function apiWithNeighbour(clock?: () => Date) {
  const dir = mkdtempSync(join(tmpdir(), 'iron-api-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const database = join(dir, 'secrets.db');
  const masterKey = randomBytes(32).toString('base64');
  const manager = await SecretsManager.open({ database, masterKey, ...(clock ? { clock } : {}) });
  cleanups.push(() => manager.close());
  const other = await SecretsManager.open({ database, masterKey });
  cleanups.push(() => other.close());
  const app = createApi({ manager, limiter: new FailureLimiter() });
  return { app, manager, other };
}

const STREAMS = {
  events: '/api/secrets/events?environment=production',
  audit: '/api/secrets/audit/stream',
} as const;

describe('an open event stream and its token', () => {
  for (const [stream, path] of Object.entries(STREAMS)) {
    const roles = stream === 'events' ? (['viewer', 'agent'] as const) : (['viewer', 'admin'] as const);
    for (const role of roles) {
      it(`${stream} stream of ${role === 'viewer' ? 'a' : 'an'} ${role}: ends within a second of a revocation by another process`, async () => {
        const { app, manager, other } = await apiWithNeighbour();
        const { id, token } = await manager.createToken({
          role,
          ...(role === 'agent' ? { environments: ['production'] } : {}),
        });
        const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status).toBe(200);
        const sse = readSse(response);
        cleanups.push(() => sse.cancel());
        // It works before the revocation: a change arrives.
        await other.createSecret('KEY', VALUE, 'production');
        await expect.poll(() => sse.events.length, { timeout: 2_000 }).toBeGreaterThan(0);

        const revokedAt = Date.now();
        await other.revokeToken(id);
        expect(await within(sse.ended, 1_000)).toBe(true);
        expect((await sse.ended) - revokedAt).toBeLessThan(1_000);
        expect(sse.events.at(-1)?.event).toBe('token.revoked');
        // And nothing more arrives on it; a new connection with the token is refused.
        const count = sse.events.length;
        await other.createSecret('LATER', VALUE, 'production');
        expect(sse.events.length).toBe(count);
        expect((await app.request(path, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
        expect(sse.text()).not.toContain(VALUE);
      });
    }

    it(`${stream} stream: ends when its token expires`, async () => {
      let now = new Date('2026-01-01T00:00:00Z');
      const { app, manager } = await apiWithNeighbour(() => now);
      const { token } = await manager.createToken({
        role: 'viewer',
        expiresAt: new Date('2026-01-01T01:00:00Z'),
      });
      const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      const sse = readSse(response);
      cleanups.push(() => sse.cancel());
      expect(await within(sse.ended, 500)).toBe(false);
      now = new Date('2026-01-01T01:00:00Z');
      const expiredAt = Date.now();
      expect(await within(sse.ended, 1_000)).toBe(true);
      expect((await sse.ended) - expiredAt).toBeLessThan(1_000);
      expect(sse.events.at(-1)?.event).toBe('token.expired');
    });
  }
});
