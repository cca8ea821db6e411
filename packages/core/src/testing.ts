/**
 * @module testing
 * Rows an older version of Iron Secrets could have written, for tests of what the library, the
 * API and the CLI do when they find one (`@iron/secrets-core/testing`). For this repository's
 * tests; not part of the library's API.
 */
import { randomUUID } from 'node:crypto';
import { masterKeyFingerprint, randomSalt, wipe } from '@iron/secrets-crypto';
import { openStorage } from '@iron/secrets-storage';
import { AUDIT_CHAIN_KEY_SETTING, unwrapAuditChainKey } from './lib/audit-chain-key.js';
import { appendAudit, auditRecord } from './lib/audit-trail.js';
import type { ManagerContext } from './lib/context.js';
import { CURRENT_KDF, type SealedFields, SecretCipher } from './lib/secret-cipher.js';

/**
 * Writes a secret straight through storage, with none of the library's checks on its name: a row
 * an older version wrote before a rule existed (R10's reserved names), sealed exactly as the
 * library seals, so that it opens, with the CREATE entry that version wrote (`audited: false`
 * leaves it out: a row planted by someone without the master key). Only for tests of what happens
 * when such a row is found.
 *
 * @example
 * ```ts
 * await insertUncheckedSecret(database, masterKey, 'production', 'PATH', '/tmp/evil-bin');
 * ```
 */
export async function insertUncheckedSecret(
  database: string,
  masterKey: string,
  environment: string,
  name: string,
  value: string,
  { audited = true }: { audited?: boolean } = {},
): Promise<void> {
  const storage = await openStorage(database);
  const key = Buffer.from(masterKey, 'base64');
  const cipher = new SecretCipher(Uint8Array.from(key), 1);
  const wrapped = await storage.transaction((tx) => tx.meta.get(AUDIT_CHAIN_KEY_SETTING), { readOnly: true });
  const auditChainKey = (await unwrapAuditChainKey(key, wrapped!)).key;
  try {
    const now = Math.floor(Date.now() / 1000);
    const fields: SealedFields = {
      id: randomUUID(),
      environment,
      name,
      createdAt: now,
      updatedAt: now,
      version: 1,
      expiresAt: null,
      rotateEverySeconds: null,
    };
    const salt = randomSalt();
    const sealed = await cipher.seal(value, fields, salt, CURRENT_KDF);
    const context = {
      storage,
      cipher,
      auditChainKey,
      fingerprint: masterKeyFingerprint(key),
      now: () => now,
    } as unknown as ManagerContext;
    await storage.transaction(async (tx) => {
      await tx.secrets.insert({ ...fields, ...sealed, salt, kdf: CURRENT_KDF });
      await tx.changes.record({ kind: 'created', name, environment, changedAt: now });
      if (audited) {
        const facts = {
          requester: { role: 'admin' as const },
          operation: 'CREATE' as const,
          secretName: name,
          environment,
          secretVersion: 1,
        };
        await appendAudit(context, tx, [auditRecord(context, facts)]);
      }
    });
  } finally {
    cipher.close();
    wipe(auditChainKey);
    await storage.close();
  }
}
