/**
 * Issue 14, finding 6: what holds a stream open with a token learns, within a second, that the
 * token was revoked by another process or instance, or expired.
 */
import { describe, expect, it } from 'vitest';
import type { TokenWatchEndReason } from './lib/token-watch.js';
import { SecretsManager } from './secrets-manager.js';
import { backend, fileManager, onCleanup } from './test-support.js';

/** A second manager on the same database: another process (SQLite) or instance (PostgreSQL). */
async function secondManager(database: string, masterKey: string): Promise<SecretsManager> {
  const manager = await SecretsManager.open({ database, masterKey });
  onCleanup(() => manager.close());
  return manager;
}

/** Resolves with the reason and how long after `since` it came. */
function ended(): {
  onEnd: (reason: TokenWatchEndReason) => void;
  result: Promise<{ reason: string; at: number }>;
} {
  let resolve!: (value: { reason: string; at: number }) => void;
  const result = new Promise<{ reason: string; at: number }>((r) => {
    resolve = r;
  });
  return { onEnd: (reason) => resolve({ reason, at: Date.now() }), result };
}

describe(`watchToken (${backend})`, () => {
  it('ends within a second when another manager on the database revokes the token', async () => {
    const { manager, database, masterKey } = await fileManager();
    const other = await secondManager(database, masterKey);
    for (const role of ['viewer', 'agent'] as const) {
      const { id } = await manager.createToken({
        role,
        ...(role === 'agent' ? { environments: ['production'] } : {}),
      });
      const end = ended();
      await manager.watchToken(id, end.onEnd);
      const revokedAt = Date.now();
      await other.revokeToken(id);
      const { reason, at } = await end.result;
      expect(reason).toBe('revoked');
      expect(at - revokedAt).toBeLessThan(1000);
    }
  });

  it('ends at expiry, checked against the clock without a database read', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const { manager } = await fileManager({ clock: () => now });
    const { id } = await manager.createToken({ role: 'viewer', expiresAt: new Date('2026-01-01T00:01:00Z') });
    const end = ended();
    let reason: string | undefined;
    await manager.watchToken(id, (r) => {
      reason = r;
      end.onEnd(r);
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(reason).toBeUndefined();
    now = new Date('2026-01-01T00:01:00Z');
    const expiredAt = Date.now();
    expect((await end.result).reason).toBe('expired');
    expect(Date.now() - expiredAt).toBeLessThan(1000);
  });

  it('check() re-reads the row: a revocation written into the database without the key ends it too', async () => {
    const { manager, raw } = await fileManager();
    const { id } = await manager.createToken({ role: 'viewer' });
    const end = ended();
    const watch = await manager.watchToken(id, end.onEnd);
    expect(await watch.check()).toBe(true);
    // No announcement and no valid MAC: the row no longer verifies.
    await raw('UPDATE access_tokens SET revoked_at = $1 WHERE id = $2', [1, id]);
    expect(await watch.check()).toBe(false);
    expect((await end.result).reason).toBe('invalid');
  });

  it('refuses a token that is not valid now, and ends every watch when the manager closes', async () => {
    const { manager } = await fileManager();
    const revoked = await manager.createToken({ role: 'viewer' });
    await manager.revokeToken(revoked.id);
    await expect(manager.watchToken(revoked.id, () => {})).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(manager.watchToken('not-an-id', () => {})).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });

    const { id } = await manager.createToken({ role: 'agent', environments: ['production'] });
    const end = ended();
    await manager.watchToken(id, end.onEnd);
    await manager.close();
    expect((await end.result).reason).toBe('unavailable');
  });

  it('a closed watch is not called', async () => {
    const { manager } = await fileManager();
    const { id } = await manager.createToken({ role: 'viewer' });
    let calls = 0;
    const watch = await manager.watchToken(id, () => {
      calls += 1;
    });
    await watch.close();
    await manager.revokeToken(id);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(calls).toBe(0);
  });
});
