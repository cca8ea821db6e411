import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SecretsManager } from './secrets-manager.js';
import { fileManager, newMasterKey } from './test-support.js';

async function storedSecrets() {
  const opened = await fileManager();
  await opened.manager.createSecret('FIRST', 'first-secret-value', 'production');
  await opened.manager.createSecret('SECOND', 'second-secret-value', 'production');
  return opened;
}

function flipBit(database: string, column: string, name: string, byte: 'first' | 'last') {
  const db = new BetterSqlite3(database);
  const row = db.prepare(`SELECT ${column} AS v FROM secrets WHERE name = ?`).get(name) as { v: Buffer };
  const bytes = Buffer.from(row.v);
  const index = byte === 'first' ? 0 : bytes.length - 1;
  bytes[index]! ^= 0x01;
  db.prepare(`UPDATE secrets SET ${column} = ? WHERE name = ?`).run(bytes, name);
  db.close();
}

describe('FR-2.4/2.5: tampering is DECRYPTION_FAILED and a failed audit entry', () => {
  it.each([
    ['encrypted_blob', 'first'],
    ['encrypted_blob', 'last'], // the GCM tag is the last 16 bytes of the blob
    ['nonce', 'first'],
    ['salt', 'first'],
  ] as const)('a bit flip in %s (%s byte)', async (column, byte) => {
    const { manager, database } = await storedSecrets();
    flipBit(database, column, 'FIRST', byte);
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
    const { manager, database } = await storedSecrets();
    const db = new BetterSqlite3(database);
    const copy = db
      .prepare("SELECT encrypted_blob, nonce, salt FROM secrets WHERE name = 'SECOND'")
      .get() as Record<string, Buffer>;
    db.prepare("UPDATE secrets SET encrypted_blob = ?, nonce = ?, salt = ? WHERE name = 'FIRST'").run(
      copy.encrypted_blob,
      copy.nonce,
      copy.salt,
    );
    db.close();
    await expect(manager.getSecret('FIRST', 'agent')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('R4: a row moved to another environment does not decrypt', async () => {
    const { manager, database } = await storedSecrets();
    const db = new BetterSqlite3(database);
    db.prepare("UPDATE secrets SET environment = 'development' WHERE name = 'FIRST'").run();
    db.close();
    await expect(manager.getSecret('FIRST', 'agent')).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('a row claiming absurd Argon2 parameters is refused without allocating', async () => {
    const { manager, database } = await storedSecrets();
    const db = new BetterSqlite3(database);
    db.prepare("UPDATE secrets SET kdf_memory_kib = 1073741824 WHERE name = 'FIRST'").run();
    db.close();
    await expect(manager.getSecret('FIRST', 'agent')).rejects.toMatchObject({
      code: 'KEY_DERIVATION_FAILED',
    });
  });
});

describe('R6: the master key belongs to the database', () => {
  it('a different master key gets MASTER_KEY_MISMATCH at open, before any read', async () => {
    const { manager, database } = await storedSecrets();
    await manager.close();
    const opening = SecretsManager.open({ database, masterKey: newMasterKey() });
    await expect(opening).rejects.toMatchObject({ code: 'MASTER_KEY_MISMATCH' });
    const db = new BetterSqlite3(database);
    expect(db.prepare('SELECT count(*) AS n FROM secret_audit_log').get()).toEqual({ n: 2 }); // nothing was read
    db.close();
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
    const { manager, database, masterKey } = await storedSecrets();
    await manager.close();
    const db = new BetterSqlite3(database);
    db.prepare("DELETE FROM iron_meta WHERE key = 'master_key_fingerprint'").run();
    db.close();
    await expect(SecretsManager.open({ database, masterKey })).rejects.toMatchObject({
      code: 'INTEGRITY_VIOLATION',
    });
  });
});
