/**
 * Issue 14, findings 1-4, tried again as an attacker (and as an operator) after the fix: each test
 * is an attack or a race that the first version of the sealed trail did not hold against.
 */
import { freshDatabase } from '@iron/secrets-storage/testing';
import { describe, expect, it } from 'vitest';
import { copyDatabase } from './copy-database.js';
import { AUDIT_CHAIN_KEY_SETTING, unwrapAuditChainKey } from './lib/audit-chain-key.js';
import { openSigningKey, SIGNING_KEY_SETTING } from './lib/audit-signing-key.js';
import { signCheckpoint } from './lib/checkpoint.js';
import { wrapKey } from './lib/key-wrap.js';
import { SecretCipher } from './lib/secret-cipher.js';
import { SecretsManager } from './secrets-manager.js';
import { backend, fileManager, newMasterKey, onCleanup, type TestManager } from './test-support.js';

async function withSecrets(): Promise<TestManager> {
  const opened = await fileManager();
  await opened.manager.createSecret('OPENAI_API_KEY', 'sk-proj-first-value-0001', 'production');
  await opened.manager.createSecret('DB_PASSWORD', 'hunter2-but-much-longer', 'production');
  await opened.manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' });
  return opened;
}

async function reopen(database: string, masterKey: string): Promise<SecretsManager> {
  const manager = await SecretsManager.open({ database, masterKey });
  onCleanup(() => manager.close());
  return manager;
}

describe('a pre-0.3 copy of the audit-chain key cannot re-seal a truncated trail', () => {
  it('the chain key put back in its pre-0.3 wrapping, after the newest entries and the head were deleted', async () => {
    const { manager, raw, dropTrigger, database, masterKey } = await withSecrets();
    const master = Buffer.from(masterKey, 'base64');
    const [stored] = await raw('SELECT value FROM iron_meta WHERE key = $1', [AUDIT_CHAIN_KEY_SETTING]);
    const { key: chainKey } = await unwrapAuditChainKey(master, stored!.value as string);
    // The same chain key as a backup taken before the upgrade to 0.3 holds it (wrapping version 1):
    // authentic under the master key, and unmarked as sealed.
    const fromOldBackup = await wrapKey(master, chainKey, 'iron-secrets/audit-chain-key/v1', 1);
    await manager.updateSecret('OPENAI_API_KEY', 'sk-proj-second-value-002', { environment: 'production' });
    await manager.close();

    await dropTrigger('secret_audit_log_no_delete', 'secret_audit_log');
    const [last] = await raw('SELECT max(id) AS id FROM secret_audit_log');
    await raw('DELETE FROM secret_audit_log WHERE id = $1', [last!.id]);
    await raw("DELETE FROM iron_meta WHERE key IN ('audit_head', 'audit_history')");
    await raw('UPDATE iron_meta SET value = $1 WHERE key = $2', [fromOldBackup, AUDIT_CHAIN_KEY_SETTING]);

    // Sealing this "legacy" trail would bless the truncated log as the truth.
    await expect(SecretsManager.open({ database, masterKey })).rejects.toMatchObject({
      code: 'INTEGRITY_VIOLATION',
    });
  });
});

describe('a master-key rotation racing the first checkpoint', () => {
  it('the signing key created meanwhile is handed over, not left wrapped under the old master key', async () => {
    const { manager, database } = await fileManager();
    await manager.createSecret('FIRST', 'first-secret-value-long', 'production');
    await manager.createSecret('SECOND', 'second-secret-value-long', 'production');
    const newKey = newMasterKey();
    let first: Promise<unknown> | undefined;
    // The first checkpoint is taken while the rotation re-encrypts (after it looked for a signing key).
    await manager.rotateMasterKey(newKey, {
      onProgress: () => {
        first ??= manager.createCheckpoint();
      },
    });
    await first;
    await expect(manager.createCheckpoint()).resolves.toMatchObject({ kind: 'checkpoint' });
    const reopened = await reopen(database, newKey);
    const checkpoint = await reopened.createCheckpoint();
    expect(await reopened.verifyAuditLog({ checkpoint })).toMatchObject({ ok: true });
    expect((await reopened.auditPublicKeys()).map((key) => key.until === null)).toEqual([false, true]);
  });
});

describe('a process still holding the master key another one rotated away', () => {
  it('is told MASTER_KEY_MISMATCH by verify, public-key and checkpoint, not that the trail was tampered with', async () => {
    const { manager, database, masterKey } = await withSecrets();
    await manager.createCheckpoint();
    const stale = await reopen(database, masterKey);
    await manager.rotateMasterKey(newMasterKey());
    await expect(stale.verifyAuditLog()).rejects.toMatchObject({ code: 'MASTER_KEY_MISMATCH' });
    await expect(stale.auditPublicKeys()).rejects.toMatchObject({ code: 'MASTER_KEY_MISMATCH' });
    await expect(stale.createCheckpoint()).rejects.toMatchObject({ code: 'MASTER_KEY_MISMATCH' });
    expect(await manager.verifyAuditLog()).toMatchObject({ ok: true });
  });
});

describe('a checkpoint signing key opened with a leaked old master key', () => {
  it('cannot sign for entries after the rotation that retired it', async () => {
    const { manager, raw, masterKey } = await withSecrets();
    await manager.createCheckpoint();
    const [stored] = await raw('SELECT value FROM iron_meta WHERE key = $1', [SIGNING_KEY_SETTING]);
    await manager.rotateMasterKey(newMasterKey());
    await manager.createSecret('AFTER_ROTATION', 'written-after-the-rotation', 'production');
    const genuine = await manager.createCheckpoint();

    // With the old master key, the retired private key opens from the old settings row.
    const cipher = new SecretCipher(Uint8Array.from(Buffer.from(masterKey, 'base64')), 1);
    onCleanup(() => cipher.close());
    const retired = await openSigningKey(cipher, stored!.value as string);
    const forged = signCheckpoint(retired.privateKey, {
      kind: 'checkpoint',
      entries: genuine.entries,
      lastId: genuine.lastId,
      headHash: genuine.headHash,
      headDigest: genuine.headDigest,
      time: genuine.time,
      publicKey: retired.publicKey,
      nextPublicKey: null,
    });
    expect(await manager.verifyAuditLog({ checkpoint: genuine })).toMatchObject({ ok: true });
    expect(await manager.verifyAuditLog({ checkpoint: forged })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('retired'),
    });
  });
});

describe('a revoked token whose row is put back as it was before the revocation', () => {
  it('is found by verify', async () => {
    const { manager, raw, dropTrigger } = await withSecrets();
    const { id } = await manager.createToken({ role: 'admin' });
    const [before] = await raw('SELECT mac FROM access_tokens WHERE id = $1', [id]);
    await manager.revokeToken(id);
    expect(await manager.verifyAuditLog()).toMatchObject({ ok: true });
    await dropTrigger('access_tokens_only_revoke', 'access_tokens');
    // The row's earlier state, with its MAC of then: genuine under the (unrotated) chain key.
    await raw('UPDATE access_tokens SET revoked_at = NULL, mac = $1 WHERE id = $2', [before!.mac, id]);
    expect(await manager.verifyAuditLog()).toMatchObject({
      ok: false,
      reason: expect.stringContaining(`token ${id}`),
    });
  });

  it('a copy of the database still verifies, with its revoked tokens', async () => {
    const { manager, database, masterKey } = await withSecrets();
    const { id } = await manager.createToken({ role: 'viewer' });
    await manager.createToken({ role: 'agent', agentId: 'kept-bot', environments: ['production'] });
    await manager.revokeToken(id);
    await manager.close();
    const target = await freshDatabase(backend === 'postgres' ? 'sqlite' : 'postgres');
    onCleanup(() => target.drop());
    await copyDatabase(database, target.location);
    const copy = await reopen(target.location, masterKey);
    expect(await copy.verifyAuditLog()).toMatchObject({ ok: true });
  });
});

describe('the first checkpoints of several instances started together', () => {
  it('all succeed, signed by the one key that was created', async () => {
    const { manager, database, masterKey } = await withSecrets();
    const instances = [manager, await reopen(database, masterKey), await reopen(database, masterKey)];
    const checkpoints = await Promise.all(
      instances.flatMap((m) => [m.createCheckpoint(), m.createCheckpoint()]),
    );
    expect(new Set(checkpoints.map((c) => c.publicKey)).size).toBe(1);
    expect(await manager.auditPublicKeys()).toHaveLength(1);
    for (const checkpoint of checkpoints) {
      expect(await manager.verifyAuditLog({ checkpoint })).toMatchObject({ ok: true });
    }
  });
});

describe('settings deleted under a running process', () => {
  it('a deleted master-key fingerprint is reported by verify as tampering, not as a key mismatch', async () => {
    const { manager, raw } = await withSecrets();
    await raw("DELETE FROM iron_meta WHERE key = 'master_key_fingerprint'");
    expect(await manager.verifyAuditLog()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('fingerprint'),
    });
  });
});
