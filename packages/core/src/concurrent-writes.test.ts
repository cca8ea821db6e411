/**
 * Issue 16: a plain update of one hot secret never fails for being concurrent. Eight writers on
 * two managers (two processes' worth of connections to one SQLite file, or one PostgreSQL schema)
 * update one secret for a few seconds: none fails, the secret ends at the last committed write,
 * the versions of the UPDATE entries go up one by one, and the audit chain verifies.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './operations/audit-log.js';
import { SecretsManager } from './secrets-manager.js';
import { fileManager, onCleanup } from './test-support.js';

/** How long the writers write in the default run; tools/bench has the 30 s variant. */
const WRITE_FOR_MS = 2_500;
const WRITERS_PER_MANAGER = 4;

/** Every entry of the log, oldest first, page by page. */
async function wholeLog(manager: SecretsManager): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (;;) {
    const page = await manager.auditLog({ afterId: entries.at(-1)?.id ?? 0, limit: 1000 });
    if (page.length === 0) return entries;
    entries.push(...page);
  }
}

describe('writes under contention', () => {
  it('8 writers on two managers: no update fails, the last commit wins, the chain verifies', async () => {
    const first = await fileManager();
    const second = await SecretsManager.open({ database: first.database, masterKey: first.masterKey });
    onCleanup(() => second.close());
    await first.manager.createSecret('HOT', 'initial', 'production');

    /** Per write: its value and the tag of the state it committed. */
    const committed = new Map<string, string>();
    const failures: unknown[] = [];
    const until = Date.now() + WRITE_FOR_MS;
    const writer = async (manager: SecretsManager, writerId: string, plain: 'update' | 'set') => {
      for (let n = 0; Date.now() < until; n += 1) {
        const value = `${writerId}-${n}`;
        try {
          if (plain === 'update') {
            const after = await manager.updateSecret('HOT', value, { environment: 'production' });
            committed.set(value, after.etag);
          } else {
            await manager.setSecret('HOT', value, 'production');
            committed.set(value, '');
          }
        } catch (error) {
          failures.push(error);
        }
      }
    };
    await Promise.all(
      [first.manager, second].flatMap((manager, m) =>
        Array.from({ length: WRITERS_PER_MANAGER }, (_, w) =>
          writer(manager, `m${m}w${w}`, w % 2 === 0 ? 'update' : 'set'),
        ),
      ),
    );

    expect(failures.map((error) => (error as { code?: string }).code ?? String(error))).toEqual([]);
    expect(committed.size).toBeGreaterThan(8);

    // The versions of the UPDATE entries go up by one, from 2, in the order they committed.
    const updates = (await wholeLog(first.manager)).filter(
      (entry) => entry.operation === 'UPDATE' && entry.secretName === 'HOT',
    );
    expect(updates.every((entry) => entry.success)).toBe(true);
    expect(updates).toHaveLength(committed.size);
    expect(updates.map((entry) => entry.secretVersion)).toEqual(
      Array.from({ length: committed.size }, (_, index) => index + 2),
    );

    // The secret is at the last commit: its value is one writer's, at the newest version.
    const now = await second.readSecret('HOT', 'admin', { environment: 'production' });
    expect(committed.has(now.value!)).toBe(true);
    const tag = committed.get(now.value!);
    if (tag) expect(now.etag).toBe(tag);
    const writerId = now.value!.split('-')[0]!;
    const last = Math.max(
      ...[...committed.keys()]
        .filter((v) => v.startsWith(`${writerId}-`))
        .map((v) => Number(v.split('-')[1])),
    );
    expect(now.value).toBe(`${writerId}-${last}`);

    expect(await first.manager.verifyAuditLog()).toMatchObject({ ok: true });
    expect(await second.verifyAuditLog()).toMatchObject({ ok: true });
  }, 60_000);
});
