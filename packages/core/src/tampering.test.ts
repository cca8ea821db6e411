import { deriveKey, encrypt } from '@iron/secrets-crypto';
import { describe, expect, it } from 'vitest';
import { SecretsManager } from './secrets-manager.js';
import { fileManager, newMasterKey, type TestManager } from './test-support.js';

async function storedSecrets() {
  const opened = await fileManager();
  await opened.manager.createSecret('FIRST', 'first-secret-value', 'production');
  await opened.manager.createSecret('SECOND', 'second-secret-value', 'production');
  return opened;
}

async function flipBit({ raw }: TestManager, column: string, name: string, byte: 'first' | 'last') {
  const [row] = await raw(`SELECT ${column} AS v FROM secrets WHERE name = $1`, [name]);
  const bytes = Buffer.from(row!.v as Buffer);
  const index = byte === 'first' ? 0 : bytes.length - 1;
  bytes[index]! ^= 0x01;
  await raw(`UPDATE secrets SET ${column} = $1 WHERE name = $2`, [bytes, name]);
}

describe('FR-2.4/2.5: tampering is DECRYPTION_FAILED and a failed audit entry', () => {
  it.each([
    ['encrypted_blob', 'first'],
    ['encrypted_blob', 'last'], // the GCM tag is the last 16 bytes of the blob
    ['nonce', 'first'],
    ['salt', 'first'],
  ] as const)('a bit flip in %s (%s byte)', async (column, byte) => {
    const opened = await storedSecrets();
    const { manager } = opened;
    await flipBit(opened, column, 'FIRST', byte);
    await expect(manager.getSecret('FIRST', 'agent')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    await expect(manager.listSecrets('agent', 'production')).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    });
    const last = (await manager.auditLog()).at(-1)!;
    expect(last).toMatchObject({ operation: 'READ', secretName: 'FIRST', success: false });
    expect(last.errorMessage).toContain('DECRYPTION_FAILED');
    expect(await manager.getSecret('SECOND', 'agent')).toBe('second-secret-value');
  });

  it('R4: a ciphertext swapped between rows does not decrypt under the other name', async () => {
    const { manager, raw } = await storedSecrets();
    const [copy] = await raw("SELECT encrypted_blob, nonce, salt FROM secrets WHERE name = 'SECOND'");
    await raw("UPDATE secrets SET encrypted_blob = $1, nonce = $2, salt = $3 WHERE name = 'FIRST'", [
      copy!.encrypted_blob,
      copy!.nonce,
      copy!.salt,
    ]);
    await expect(manager.getSecret('FIRST', 'agent')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('R4: a row moved to another environment does not decrypt', async () => {
    const { manager, raw } = await storedSecrets();
    await raw("UPDATE secrets SET environment = 'development' WHERE name = 'FIRST'");
    await expect(manager.getSecret('FIRST', 'agent')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('a row claiming absurd Argon2 parameters is refused without allocating', async () => {
    const { manager, raw } = await storedSecrets();
    await raw("UPDATE secrets SET kdf_memory_kib = 1073741824 WHERE name = 'FIRST'");
    await expect(manager.getSecret('FIRST', 'agent')).rejects.toMatchObject({
      code: 'KEY_DERIVATION_FAILED',
    });
  });
});

describe('R6: the master key belongs to the database', () => {
  it('a different master key gets MASTER_KEY_MISMATCH at open, before any read', async () => {
    const { manager, database, raw } = await storedSecrets();
    await manager.close();
    const opening = SecretsManager.open({ database, masterKey: newMasterKey() });
    await expect(opening).rejects.toMatchObject({ code: 'MASTER_KEY_MISMATCH' });
    const [count] = await raw('SELECT count(*) AS n FROM secret_audit_log');
    expect(Number(count!.n)).toBe(2); // nothing was read
  });

  it('the same key opens it again', async () => {
    const { manager, database, masterKey } = await storedSecrets();
    await manager.close();
    const reopened = await SecretsManager.open({ database, masterKey });
    expect(await reopened.getSecret('FIRST', 'agent')).toBe('first-secret-value');
    expect(await reopened.verifyAuditLog()).toMatchObject({ ok: true });
    await reopened.close();
  });

  it('a removed fingerprint is an integrity violation, not a fresh start', async () => {
    const { manager, database, masterKey, raw } = await storedSecrets();
    await manager.close();
    await raw("DELETE FROM iron_meta WHERE key = 'master_key_fingerprint'");
    await expect(SecretsManager.open({ database, masterKey })).rejects.toMatchObject({
      code: 'INTEGRITY_VIOLATION',
    });
  });
});

describe('every column of a secret row is bound to its ciphertext', () => {
  it.each([
    ['created_at', 'created_at = created_at - 86400'],
    ['updated_at', 'updated_at = updated_at + 1'],
    ['version', 'version = version + 1'],
    ['expires_at', 'expires_at = 4102444800'], // an expired secret made to look valid until 2100
    ['rotate_every_seconds', 'rotate_every_seconds = 31536000'], // a due rotation postponed a year
  ])('an edited %s is DECRYPTION_FAILED, never the value', async (_column, assignment) => {
    const { manager, raw } = await storedSecrets();
    await raw(`UPDATE secrets SET ${assignment} WHERE name = 'FIRST'`);
    await expect(manager.getSecret('FIRST', 'agent')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    expect(await manager.getSecret('SECOND', 'agent')).toBe('second-secret-value');
  });

  it('a row sealed before the metadata was bound still opens, and is bound from its next write on', async () => {
    const { raw, masterKey, database } = await storedSecrets();
    const [row] = await raw("SELECT id, environment, name, salt FROM secrets WHERE name = 'FIRST'");
    // What an earlier version wrote: AES-GCM bound to the identity only.
    const key = await deriveKey(Buffer.from(masterKey, 'base64'), Buffer.from(row!.salt as Buffer));
    const aad = Buffer.from(['iron-secrets/secret/v1', row!.id, row!.environment, row!.name].join('\0'));
    const sealed = encrypt(Buffer.from('first-secret-value'), key, aad);
    await raw("UPDATE secrets SET encrypted_blob = $1, nonce = $2 WHERE name = 'FIRST'", [
      Buffer.from(sealed.ciphertext),
      Buffer.from(sealed.nonce),
    ]);
    // A manager that never held the key of this row in its cache.
    const fresh = await SecretsManager.open({ database, masterKey });
    try {
      expect(await fresh.getSecret('FIRST', 'agent')).toBe('first-secret-value');
      await fresh.updateSecret('FIRST', 'first-secret-value-2');
      await raw("UPDATE secrets SET expires_at = 4102444800 WHERE name = 'FIRST'");
      await expect(fresh.getSecret('FIRST', 'agent')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    } finally {
      await fresh.close();
    }
  });
});
