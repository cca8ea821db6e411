/**
 * @module copy-storage
 * Moving an installation from one database to another (SQLite to PostgreSQL, typically) with
 * every row verbatim: ciphertexts stay ciphertexts (no key is needed, none is seen), audit entries
 * keep their ids and hashes, so the chain still verifies, and the settings keep the master-key
 * fingerprint and the wrapped audit-chain key.
 */
import type { Storage } from './storage.js';
import { StorageError } from './storage-error.js';

/** Rows moved by {@link copyStorage}. */
export interface CopyReport {
  readonly settings: number;
  readonly secrets: number;
  readonly auditEntries: number;
  readonly anchors: number;
  readonly tokens: number;
  readonly changes: number;
}

const PAGE = 5_000;

/**
 * Copies everything in `source` into `target`, which must be empty (migrated, never used). The
 * source is read in one read-only transaction (a consistent snapshot) and the target written in
 * one transaction: a copy that fails leaves the target as empty as it was.
 */
export async function copyStorage(source: Storage, target: Storage): Promise<CopyReport> {
  return source.transaction(
    (from) =>
      target.transaction(async (to) => {
        const empty =
          (await to.meta.entries()).length === 0 &&
          (await to.secrets.count()) === 0 &&
          (await to.audit.count()) === 0 &&
          (await to.tokens.list()).length === 0 &&
          (await to.changes.latest()) === 0;
        if (!empty) {
          throw new StorageError(
            'STORAGE_FAILED',
            `the target database ${target.location} is not empty: copy only into a freshly migrated database`,
          );
        }
        const settings = await from.meta.entries();
        for (const [key, value] of settings) await to.meta.set(key, value);
        const secrets = await from.secrets.listAll();
        for (const row of secrets) await to.secrets.insert(row);
        const tokens = await from.tokens.list();
        for (const row of tokens) await to.tokens.insert(row);
        const anchors = await from.restore.anchors();
        for (const anchor of anchors) await to.restore.anchor(anchor);
        let auditEntries = 0;
        for (let afterId = 0; ; ) {
          const page = await from.audit.query({ afterId, limit: PAGE });
          if (page.length === 0) break;
          await to.restore.auditEntries(page);
          auditEntries += page.length;
          afterId = page.at(-1)!.id;
        }
        let changes = 0;
        for (let seq = 0; ; ) {
          const page = await from.changes.since(seq, PAGE);
          if (page.length === 0) break;
          for (const change of page) await to.restore.change(change);
          changes += page.length;
          seq = page.at(-1)!.seq;
        }
        await to.restore.finish();
        return {
          settings: settings.length,
          secrets: secrets.length,
          auditEntries,
          anchors: anchors.length,
          tokens: tokens.length,
          changes,
        };
      }),
    { readOnly: true },
  );
}
