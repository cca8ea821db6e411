/**
 * Finding 9 of issue 14: `close()` and a master-key rotation must never wipe or replace a key under
 * an operation that is still using it. Each case runs many times with random timing, because the
 * bug lived in the interleavings.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isIronSecretsError } from './errors.js';
import { SecretsManager } from './secrets-manager.js';
import { backend, fileManager, newMasterKey, onCleanup } from './test-support.js';

/**
 * Settles every promise; fails the test on any error but the ones `allowed`. The promises must be
 * `caught` as they are made, so that one rejecting early is not an unhandled rejection.
 */
async function settleAll(
  work: Promise<PromiseSettledResult<unknown>>[],
  allowed: readonly string[],
): Promise<number> {
  let succeeded = 0;
  for (const outcome of await Promise.all(work)) {
    if (outcome.status === 'fulfilled') succeeded += 1;
    else if (!allowed.some((code) => isIronSecretsError(outcome.reason, code as never))) throw outcome.reason;
  }
  return succeeded;
}

function caught(promise: Promise<unknown>): Promise<PromiseSettledResult<unknown>> {
  return promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );
}

describe('close() waits for running operations before it wipes keys (issue 14, finding 9)', () => {
  it('operations racing close() either finish under intact keys or are refused; the chain verifies', {
    timeout: 120_000,
  }, async () => {
    for (let round = 0; round < 15; round += 1) {
      const { manager, database, masterKey } = await fileManager();
      await manager.createSecret('OPENAI_API_KEY', 'sk-proj-abc123def456', 'production');
      const work: Promise<PromiseSettledResult<unknown>>[] = [];
      for (let i = 0; i < 20; i += 1) {
        work.push(caught(manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' })));
        work.push(caught(manager.setSecret(`KEY_${i}`, `value-number-${i}-long`, 'staging')));
        work.push(caught(manager.getSecret('MISSING_ONE', 'agent', { environment: 'production' })));
      }
      await sleep(Math.random() * 20);
      const closed = manager.close();
      work.push(caught(manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' })));
      await closed;
      await settleAll(work, ['MANAGER_CLOSED', 'SECRET_NOT_FOUND']);
      expect(manager.isInitialized()).toBe(false);

      const reopened = await SecretsManager.open({ database, masterKey });
      onCleanup(() => reopened.close());
      expect(await reopened.verifyAuditLog()).toMatchObject({ ok: true });
    }
  });

  it('close() racing a master-key rotation never commits a wiped key (a few hundred timings)', async () => {
    // Each round is a fresh database: a schema on PostgreSQL costs more than a file.
    const rounds = backend === 'postgres' ? 30 : 200;
    for (let round = 0; round < rounds; round += 1) {
      const { manager, database, masterKey } = await fileManager();
      await manager.createSecret('OPENAI_API_KEY', 'sk-proj-abc123def456', 'production');
      const { token } = await manager.createToken({ role: 'admin' });
      const newKey = newMasterKey();
      const rotation = caught(manager.rotateMasterKey(newKey));
      const reads = [caught(manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' }))];
      await sleep(Math.random() * 60);
      await manager.close();
      const rotated = (await settleAll([rotation], ['MANAGER_CLOSED'])) === 1;
      await settleAll(reads, ['MANAGER_CLOSED']);

      // Whichever key the database now has, the chain and the token verify under it.
      const reopened = await SecretsManager.open({ database, masterKey: rotated ? newKey : masterKey });
      onCleanup(() => reopened.close());
      expect(await reopened.verifyAuditLog()).toMatchObject({ ok: true });
      expect(await reopened.authenticateToken(token)).toMatchObject({ role: 'admin' });
      expect(await reopened.getSecret('OPENAI_API_KEY', 'admin', { environment: 'production' })).toBe(
        'sk-proj-abc123def456',
      );
      await reopened.close();
    }
  }, 300_000);

  it('a rotation waits for operations in flight in the same process, which keep the old keys until done', async () => {
    const { manager } = await fileManager();
    await manager.createSecret('OPENAI_API_KEY', 'sk-proj-abc123def456', 'production');
    const reads: Promise<string>[] = [];
    const rotation = manager.rotateMasterKey(newMasterKey());
    for (let i = 0; i < 50; i += 1) {
      reads.push(manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' }));
      await sleep(Math.random() * 3);
    }
    await rotation;
    // No read failed with MASTER_KEY_MISMATCH: none used the old keys after the commit.
    expect(await Promise.all(reads)).toEqual(reads.map(() => 'sk-proj-abc123def456'));
    expect(await manager.verifyAuditLog()).toMatchObject({ ok: true });
  });
});
