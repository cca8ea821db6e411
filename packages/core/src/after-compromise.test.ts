/**
 * Issue 14, findings 1-4: what holds against someone who has had the database or an old key.
 * Each test is the attack, done as the attacker would: with raw SQL (triggers dropped, as the
 * database's owner can) and, where the attack needs it, the old master key and an old backup.
 */
import { chainAuditRecord, GENESIS_HASH } from '@iron/secrets-audit';
import { freshDatabase } from '@iron/secrets-storage/testing';
import { describe, expect, it } from 'vitest';
import { copyDatabase } from './copy-database.js';
import { newAccessToken, tokenMac } from './lib/access-token.js';
import { AUDIT_CHAIN_KEY_SETTING, unwrapAuditChainKey } from './lib/audit-chain-key.js';
import { type Checkpoint, checkpointSignatureValid } from './lib/checkpoint.js';
import { SecretsManager } from './secrets-manager.js';
import {
  backend,
  fileManager,
  insertUncheckedSecret,
  newMasterKey,
  onCleanup,
  type TestManager,
} from './test-support.js';

/** The audit-chain key an attacker unwraps from a backup with the master key of that time. */
async function chainKeyFromBackup({ raw, masterKey }: TestManager): Promise<Uint8Array> {
  const [row] = await raw('SELECT value FROM iron_meta WHERE key = $1', [AUDIT_CHAIN_KEY_SETTING]);
  return (await unwrapAuditChainKey(Buffer.from(masterKey, 'base64'), row!.value as string)).key;
}

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

describe('finding 1: a master-key rotation replaces every key the old one protected', () => {
  it('an admin token minted with the old key and an old backup is refused after rotation, and audited', async () => {
    const opened = await withSecrets();
    const { manager, raw, database } = opened;
    const oldChainKey = await chainKeyFromBackup(opened);
    const { token: kept } = await manager.createToken({
      role: 'agent',
      agentId: 'lead-bot',
      environments: ['production'],
    });
    const { id: revokedId, token: revoked } = await manager.createToken({ role: 'viewer' });
    await manager.revokeToken(revokedId);

    const newKey = newMasterKey();
    await manager.rotateMasterKey(newKey);

    // The attacker mints an admin token row MACed with the chain key from the backup.
    const forged = newAccessToken();
    const row = {
      id: forged.id,
      tokenHash: forged.tokenHash,
      role: 'admin' as const,
      agentId: null,
      environments: null,
      secretPatterns: null,
      createdAt: Math.floor(Date.now() / 1000),
      createdBy: 'alice',
      expiresAt: null,
      revokedAt: null,
    };
    await raw(
      `INSERT INTO access_tokens (id, token_hash, role, agent_id, environments, secret_patterns, created_at,
         created_by, expires_at, revoked_at, mac) VALUES ($1, $2, $3, NULL, NULL, NULL, $4, $5, NULL, NULL, $6)`,
      [row.id, row.tokenHash, row.role, row.createdAt, row.createdBy, tokenMac(oldChainKey, row)],
    );

    for (const server of [manager, await reopen(database, newKey)]) {
      await expect(server.authenticateToken(forged.token)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
      // Tokens issued before the rotation were re-keyed: they still work, or stay revoked.
      await expect(server.authenticateToken(kept)).resolves.toMatchObject({
        role: 'agent',
        agentId: 'lead-bot',
      });
      await expect(server.authenticateToken(revoked)).rejects.toMatchObject({
        message: expect.stringContaining('revoked'),
      });
    }
    const attempts = (await manager.auditLog()).filter((e) => e.secretName === `token:${forged.id}`);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ requesterRole: 'admin', requesterId: forged.id, success: false });
    expect(JSON.stringify(await manager.auditLog())).not.toContain(forged.token);
    expect((await manager.verifyAuditLog()).ok).toBe(true);
  });

  it('history rewritten with the old chain key after a rotation does not verify', async () => {
    const opened = await withSecrets();
    const { manager, raw, dropTrigger } = opened;
    const oldChainKey = await chainKeyFromBackup(opened);
    await manager.rotateMasterKey(newMasterKey());
    await manager.getSecret('DB_PASSWORD', 'agent', { environment: 'production' });
    expect((await manager.verifyAuditLog()).ok).toBe(true);

    // Rewrite the whole log with the old key (entry 2 now says a viewer created it), re-hashed and
    // re-digested consistently: everything an attacker with the old key can compute.
    await dropTrigger('secret_audit_log_no_update', 'secret_audit_log');
    const rows = await raw('SELECT * FROM secret_audit_log ORDER BY id');
    let prev = { hash: GENESIS_HASH, digest: GENESIS_HASH };
    for (const r of rows) {
      const record = {
        timestamp: Number(r.timestamp),
        operation: r.operation as 'CREATE',
        secretName: r.secret_name as string,
        environment: r.environment as string | null,
        requesterRole: (r.id === rows[1]!.id ? 'viewer' : r.requester_role) as 'admin',
        agentId: r.agent_id as string | null,
        requesterId: r.requester_id as string | null,
        success: r.success === 1 || r.success === true,
        errorMessage: r.error_message as string | null,
        secretVersion: r.secret_version === null ? null : Number(r.secret_version),
        disclosure: (r.disclosure ?? null) as 'value' | null,
      };
      const entry = chainAuditRecord(oldChainKey, record, prev);
      await raw(
        'UPDATE secret_audit_log SET requester_role = $1, prev_hash = $2, hash = $3, digest = $4 WHERE id = $5',
        [record.requesterRole, entry.prevHash, entry.hash, entry.digest, r.id],
      );
      prev = entry;
    }
    const result = await manager.verifyAuditLog();
    expect(result.ok).toBe(false);
  });
});

describe('finding 2: deleting the whole audit log, or its newest entries, is found', () => {
  it('the whole log deleted', async () => {
    const { manager, raw, dropTrigger } = await withSecrets();
    await dropTrigger('secret_audit_log_no_delete', 'secret_audit_log');
    await raw('DELETE FROM secret_audit_log');
    expect(await manager.verifyAuditLog()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('removed'),
    });
  });

  it('the whole log deleted together with its head record', async () => {
    const { manager, raw, dropTrigger } = await withSecrets();
    await dropTrigger('secret_audit_log_no_delete', 'secret_audit_log');
    await raw('DELETE FROM secret_audit_log');
    await raw("DELETE FROM iron_meta WHERE key IN ('audit_head', 'audit_history')");
    expect((await manager.verifyAuditLog()).ok).toBe(false);
    // Appending to a log whose head is gone would seal the loss as the truth: refused.
    await expect(
      manager.createSecret('NEW_ONE', 'a-value-of-some-length', 'production'),
    ).rejects.toMatchObject({
      code: 'INTEGRITY_VIOLATION',
    });
  });

  it('the newest entries deleted', async () => {
    const { manager, raw, dropTrigger } = await withSecrets();
    await dropTrigger('secret_audit_log_no_delete', 'secret_audit_log');
    const [last] = await raw('SELECT max(id) AS id FROM secret_audit_log');
    await raw('DELETE FROM secret_audit_log WHERE id = $1', [last!.id]);
    expect(await manager.verifyAuditLog()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('newest'),
    });
  });

  it('a head record written without the key', async () => {
    const { manager, raw } = await withSecrets();
    await raw(`UPDATE iron_meta SET value = $1 WHERE key = 'audit_head'`, [
      JSON.stringify({
        body: JSON.stringify({ lastId: 1, count: 1, hash: GENESIS_HASH, digest: GENESIS_HASH }),
        mac: 'f'.repeat(64),
      }),
    ]);
    expect((await manager.verifyAuditLog()).ok).toBe(false);
  });
});

describe('finding 3: retention anchors are authenticated and read with the log', () => {
  it('a prefix deleted behind an anchor built from public data is found', async () => {
    const { manager, raw, dropTrigger } = await withSecrets();
    await manager.listSecrets('agent', 'production');
    const rows = await raw('SELECT id, hash FROM secret_audit_log ORDER BY id');
    const through = rows[2]!;
    await dropTrigger('secret_audit_log_no_delete', 'secret_audit_log');
    await raw('DELETE FROM secret_audit_log WHERE id <= $1', [through.id]);
    await raw(
      'INSERT INTO audit_chain_anchors (through_id, hash, pruned_count, pruned_at) VALUES ($1, $2, 3, 0)',
      [through.id, through.hash],
    );
    expect(await manager.verifyAuditLog()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('anchor'),
    });
  });

  it('a real prune verifies, and verifying while pruning never reports a false deletion', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { manager } = await fileManager({ clock: () => new Date(now) });
    for (let round = 0; round < 8; round += 1) {
      await manager.createSecret(`KEY_${round}`, `value-number-${round}-long-enough`, 'production');
      await manager.getSecret(`KEY_${round}`, 'agent', { environment: 'production' });
      now += 86_400_000;
    }
    now += 30 * 86_400_000;
    const results = await Promise.all([
      manager.verifyAuditLog(),
      manager.pruneAuditLog({ retentionDays: 33 }),
      manager.verifyAuditLog(),
      manager.pruneAuditLog({ retentionDays: 31 }),
      manager.verifyAuditLog(),
    ]);
    expect(results.filter((r) => 'ok' in r)).toEqual(
      expect.arrayContaining([expect.objectContaining({ ok: true })]),
    );
    for (const result of results) if ('ok' in result) expect(result).toMatchObject({ ok: true });
    expect((await manager.verifyAuditLog()).ok).toBe(true);
  });
});

describe('finding 4: signed checkpoints, and secret rows checked against the trail', () => {
  it('a checkpoint verifies by its signature alone, and the log that extends it passes', async () => {
    const { manager } = await withSecrets();
    const checkpoint = await manager.createCheckpoint();
    expect(checkpoint).toMatchObject({
      v: 1,
      kind: 'checkpoint',
      entries: 3,
      lastId: 3,
      nextPublicKey: null,
    });
    expect(checkpointSignatureValid(checkpoint)).toBe(true);
    expect(checkpointSignatureValid({ ...checkpoint, entries: 2 })).toBe(false);
    await manager.createSecret('LATER', 'written-after-the-checkpoint', 'production');
    expect(await manager.verifyAuditLog({ checkpoint })).toMatchObject({ ok: true });
    const keys = await manager.auditPublicKeys();
    expect(keys).toEqual([expect.objectContaining({ keyId: checkpoint.keyId, since: 0, until: null })]);
    expect(keys[0]!.pem).toContain('BEGIN PUBLIC KEY');
  });

  it('a database rolled back to a backup from before a checkpoint does not extend it', async () => {
    const { manager, database, masterKey } = await withSecrets();
    const backup = await freshDatabase(backend);
    onCleanup(() => backup.drop());
    await manager.createCheckpoint(); // the signing key exists in the backup too
    await copyDatabase(database, backup.location);
    await manager.updateSecret('OPENAI_API_KEY', 'sk-proj-second-value-0002', { environment: 'production' });
    const checkpoint = await manager.createCheckpoint();

    const restored = await reopen(backup.location, masterKey);
    expect((await restored.verifyAuditLog()).ok).toBe(true); // consistent on its own...
    expect(await restored.verifyAuditLog({ checkpoint })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('checkpoint'),
    }); // ...but not an extension of what was checkpointed
  });

  it('a forged or foreign checkpoint is refused', async () => {
    const { manager } = await withSecrets();
    const checkpoint = await manager.createCheckpoint();
    const other = await fileManager();
    const foreign = await other.manager.createCheckpoint();
    expect((await manager.verifyAuditLog({ checkpoint: foreign })).ok).toBe(false);
    const edited: Checkpoint = { ...checkpoint, headDigest: 'a'.repeat(64) };
    expect((await manager.verifyAuditLog({ checkpoint: edited })).ok).toBe(false);
  });

  it('a checkpoint survives a prune that removes its entry', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { manager } = await fileManager({ clock: () => new Date(now) });
    await manager.createSecret('OLD_ONE', 'an-old-value-long-enough', 'production');
    const checkpoint = await manager.createCheckpoint();
    now += 120 * 86_400_000;
    await manager.createSecret('NEW_ONE', 'a-new-value-long-enough', 'production');
    expect(await manager.pruneAuditLog({ retentionDays: 90 })).toEqual({ pruned: 1 });
    expect(await manager.verifyAuditLog({ checkpoint })).toMatchObject({ ok: true });
    expect(
      await manager.verifyAuditLog({ checkpoint: { ...checkpoint, headDigest: 'b'.repeat(64) } }),
    ).toMatchObject({
      ok: false,
    });
  });

  it('a rotation hands the signing key over; old checkpoints still verify', async () => {
    const { manager } = await withSecrets();
    const before = await manager.createCheckpoint();
    await manager.rotateMasterKey(newMasterKey());
    const after = await manager.createCheckpoint();
    expect(after.publicKey).not.toBe(before.publicKey);
    const keys = await manager.auditPublicKeys();
    expect(keys.map((k) => [k.publicKey, k.until === null])).toEqual([
      [before.publicKey, false],
      [after.publicKey, true],
    ]);
    const handover = keys[1]!.handover!;
    expect(handover).toMatchObject({
      kind: 'handover',
      publicKey: before.publicKey,
      nextPublicKey: after.publicKey,
    });
    expect(checkpointSignatureValid(handover)).toBe(true);
    expect(await manager.verifyAuditLog({ checkpoint: before })).toMatchObject({ ok: true });
    expect(await manager.verifyAuditLog({ checkpoint: after })).toMatchObject({ ok: true });
    expect(await manager.verifyAuditLog({ checkpoint: handover })).toMatchObject({ ok: true });
  });

  it('a secret row rolled back to an older ciphertext is found', async () => {
    const { manager, raw } = await withSecrets();
    const [old] = await raw("SELECT * FROM secrets WHERE name = 'OPENAI_API_KEY'");
    await manager.updateSecret('OPENAI_API_KEY', 'sk-proj-rotated-value-02', { environment: 'production' });
    await raw(
      `UPDATE secrets SET encrypted_blob = $1, nonce = $2, salt = $3, version = $4, updated_at = $5
         WHERE name = 'OPENAI_API_KEY'`,
      [old!.encrypted_blob, old!.nonce, old!.salt, old!.version, old!.updated_at],
    );
    // The old row opens (it is a genuine ciphertext of its version)...
    expect(await manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' })).toBe(
      'sk-proj-first-value-0001',
    );
    // ...and verify finds it.
    expect(await manager.verifyAuditLog()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('rolled back'),
    });
  });

  it('a secret row deleted outside iron-secrets is found', async () => {
    const { manager, raw } = await withSecrets();
    await raw("DELETE FROM secrets WHERE name = 'DB_PASSWORD'");
    expect(await manager.verifyAuditLog()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('deleted outside iron-secrets'),
    });
  });

  it('a deleted secret restored, and one inserted without its CREATE, are found', async () => {
    const { manager, raw } = await withSecrets();
    const [old] = await raw("SELECT * FROM secrets WHERE name = 'DB_PASSWORD'");
    await manager.deleteSecret('DB_PASSWORD', { environment: 'production' });
    expect((await manager.verifyAuditLog()).ok).toBe(true);
    const columns = Object.keys(old!);
    await raw(
      `INSERT INTO secrets (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      columns.map((column) => old![column]),
    );
    expect(await manager.verifyAuditLog()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('deleted it'),
    });

    const second = await withSecrets();
    await insertUncheckedSecret(
      second.database,
      second.masterKey,
      'production',
      'PLANTED',
      'planted-value-long',
      { audited: false },
    );
    expect(await second.manager.verifyAuditLog()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('never created'),
    });
  });
});
