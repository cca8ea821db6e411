/**
 * Review of issue 15 (attack): a names-only listing decrypts nothing, so it never checks a row.
 * A row whose settings were edited in the database (settings are bound to the ciphertext), or a
 * row inserted without the master key, is refused by `listSecrets` (DECRYPTION_FAILED) but
 * handed out by `listSecretNames` as genuine, and sealed into the audit chain as a READ of it.
 */
import { describe, expect, it } from 'vitest';
import { fileManager } from './test-support.js';

describe('review: a names-only listing hands out only rows that verify', () => {
  it('refuses (or leaves out) a row whose expiry was edited in the database, as listSecrets does', async () => {
    const { manager, raw } = await fileManager();
    await manager.createSecret('DB_PASSWORD', 'correct-horse-battery', 'production');
    await raw("UPDATE secrets SET expires_at = 1000 WHERE name = 'DB_PASSWORD'");
    await expect(manager.listSecrets('admin', 'production')).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    });
    // Today: [{ name: 'DB_PASSWORD', rotationStatus: 'expired', ... }] with no word of tampering.
    const names = await manager.listSecretNames('admin', 'production').catch(() => []);
    expect(names.map((s) => s.name)).not.toContain('DB_PASSWORD');
  });

  it('does not list a row inserted without the master key', async () => {
    const { manager, raw } = await fileManager();
    await manager.createSecret('OPENAI_KEY', 'sk-openai-value-1', 'production');
    await raw(
      `INSERT INTO secrets (id, name, encrypted_blob, nonce, salt, environment, version)
       SELECT 'forged-row', 'FORGED_SECRET', encrypted_blob, nonce, salt, environment, 1 FROM secrets WHERE name = 'OPENAI_KEY'`,
    );
    await expect(manager.listSecrets('admin', 'production')).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    });
    const names = await manager.listSecretNames('agent', 'production').catch(() => []);
    expect(names.map((s) => s.name)).not.toContain('FORGED_SECRET');
  });
});
