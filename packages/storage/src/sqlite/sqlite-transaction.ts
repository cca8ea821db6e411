/**
 * @module sqlite-transaction
 * The tables of {@link Transaction} on one SQLite connection.
 */

import { MAX_AUDIT_PAGE, MAX_CHANGES_PAGE } from '../lib/limits.js';
import {
  auditValues,
  type DbAnchorRow,
  type DbAuditRow,
  type DbChangeRow,
  type DbSecretRow,
  type DbTokenRow,
  secretParams,
  toAnchorRecord,
  toAuditRow,
  toChange,
  tokenParams,
  toSecretRow,
  toTokenRow,
} from '../lib/row-mapping.js';
import type { AuditAnchorRow, AuditQuery, SecretChange, SecretRow } from '../rows.js';
import type { Transaction } from '../storage.js';
import { StorageError } from '../storage-error.js';
import type { Statements } from './statements.js';

/**
 * Builds the tables of one transaction. `assertOpen` throws once the transaction has settled, so
 * a table kept past its transaction cannot write outside one.
 */
export function sqliteTransaction(statements: Statements, assertOpen: () => void): Transaction {
  // better-sqlite3 is synchronous; a promise keeps the interface that PostgreSQL needs, and turns
  // a thrown error into a rejection like a networked driver would.
  const run = <T>(work: () => T): Promise<T> =>
    new Promise((resolve) => {
      assertOpen();
      resolve(work());
    });
  const s = statements;

  const tx: Transaction = {
    secrets: {
      insert: (row: SecretRow) =>
        run(() => (s.insertSecret.run(secretParams(row)).changes === 1 ? 'inserted' : 'exists')),
      find: (environment: string, name: string) =>
        run(() => {
          const row = s.findSecret.get(environment, name) as DbSecretRow | undefined;
          return row && toSecretRow(row);
        }),
      findByName: (name: string, environments?: readonly string[]) =>
        run(() =>
          (s.findSecretsByName.all(name) as DbSecretRow[])
            .filter((row) => environments === undefined || environments.includes(row.environment))
            .map(toSecretRow),
        ),
      list: (environment: string) =>
        run(() => (s.listSecrets.all(environment) as DbSecretRow[]).map(toSecretRow)),
      listAll: () => run(() => (s.listAllSecrets.all() as DbSecretRow[]).map(toSecretRow)),
      update: (id, expectedVersion, update) =>
        run(
          () =>
            s.updateSecret.run({
              id,
              expected_version: expectedVersion,
              encrypted_blob: update.encryptedBlob,
              nonce: update.nonce,
              salt: update.salt,
              kdf_algorithm: update.kdf.algorithm,
              kdf_version: update.kdf.version,
              kdf_memory_kib: update.kdf.memoryKiB,
              kdf_iterations: update.kdf.iterations,
              kdf_parallelism: update.kdf.parallelism,
              updated_at: update.updatedAt,
              set_expires_at: update.expiresAt === undefined ? 0 : 1,
              expires_at: update.expiresAt ?? null,
              set_rotate_every: update.rotateEverySeconds === undefined ? 0 : 1,
              rotate_every_seconds: update.rotateEverySeconds ?? null,
            }).changes === 1,
        ),
      delete: (id: string) => run(() => s.deleteSecret.run(id).changes === 1),
      count: () => run(() => (s.countSecrets.get() as { n: number }).n),
    },

    audit: {
      chainHead: () =>
        run(() => {
          const last = s.lastAuditHash.get() as { hash: string } | undefined;
          if (last) return last.hash;
          return (s.latestAnchor.get() as { hash: string } | undefined)?.hash;
        }),
      append: (entries) =>
        run(() => {
          let lastId = 0;
          for (const entry of entries)
            lastId = Number(s.appendAudit.run(...auditValues(entry)).lastInsertRowid);
          return lastId;
        }),
      lastPrunable: (cutoff: number) =>
        run(() => {
          const row = s.lastPrunable.get(cutoff) as DbAuditRow | undefined;
          return row && toAuditRow(row);
        }),
      query: (query: AuditQuery = {}) =>
        run(() => {
          const rows = (query.latest ? s.queryLatestAudit : s.queryAudit).all({
            secret_name: query.secretName ?? null,
            environment: query.environment ?? null,
            since: query.since ?? null,
            until: query.until ?? null,
            operation: query.operation ?? null,
            requester_role: query.requesterRole ?? null,
            requester: query.requester ?? null,
            success: query.success === undefined ? null : query.success ? 1 : 0,
            disclosure: query.disclosure ?? null,
            // Scope lists travel as one JSON parameter (json_each), never as SQL text. Pattern
            // characters are [A-Za-z0-9_*], of which GLOB gives only `*` a meaning: the token's.
            environments: query.environments === undefined ? null : JSON.stringify(query.environments),
            name_patterns: query.namePatterns === undefined ? null : JSON.stringify(query.namePatterns),
            after_id: query.afterId ?? 0,
            before_id: query.beforeId ?? Number.MAX_SAFE_INTEGER,
            limit: Math.min(query.limit ?? MAX_AUDIT_PAGE, MAX_AUDIT_PAGE),
          }) as DbAuditRow[];
          if (query.latest) rows.reverse();
          return rows.map(toAuditRow);
        }),
      anchor: () =>
        run(() => {
          const row = s.latestAnchor.get() as { through_id: number; hash: string } | undefined;
          return row && ({ throughId: row.through_id, hash: row.hash } satisfies AuditAnchorRow);
        }),
      prune: (cutoff: number, prunedAt: number) =>
        run(() => {
          const last = s.lastPrunable.get(cutoff) as { id: number; hash: string } | undefined;
          if (!last) return 0;
          s.openPruneGate.run(last.id);
          const pruned = s.pruneAudit.run(last.id).changes;
          s.closePruneGate.run();
          s.recordAnchor.run(last.id, last.hash, pruned, prunedAt);
          s.pruneChanges.run(cutoff);
          return pruned;
        }),
      count: () => run(() => (s.countAudit.get() as { n: number }).n),
    },

    meta: {
      entries: () =>
        run(() =>
          (s.metaEntries.all() as { key: string; value: string }[]).map(
            ({ key, value }) => [key, value] as [string, string],
          ),
        ),
      get: (key: string) => run(() => (s.getMeta.get(key) as { value: string } | undefined)?.value),
      set: (key: string, value: string, options: { replace?: boolean } = {}) =>
        run(() => {
          const changed = (options.replace ? s.upsertMeta : s.insertMeta).run(key, value).changes;
          if (changed === 0) {
            throw new StorageError(
              'STORAGE_FAILED',
              `setting '${key}' is already set and may not be replaced`,
            );
          }
        }),
    },

    changes: {
      record: (change: Omit<SecretChange, 'seq'>) =>
        run(() =>
          Number(
            s.recordChange.run(change.kind, change.name, change.environment, change.changedAt)
              .lastInsertRowid,
          ),
        ),
      since: (seq: number, limit = MAX_CHANGES_PAGE) =>
        run(() =>
          (s.changesSince.all(seq, Math.min(limit, MAX_CHANGES_PAGE)) as DbChangeRow[]).map(toChange),
        ),
      latest: () => run(() => (s.latestChange.get() as { seq: number }).seq),
      // Nothing to send: SQLite's watchers poll the audit head too, and what is announced (a
      // revocation) appends an audit entry in the same transaction.
      announce: () => run(() => {}),
    },

    tokens: {
      insert: (row) =>
        run(() => {
          s.insertToken.run(tokenParams(row));
        }),
      find: (id: string) =>
        run(() => {
          const row = s.findToken.get(id) as DbTokenRow | undefined;
          return row && toTokenRow(row);
        }),
      list: () => run(() => (s.listTokens.all() as DbTokenRow[]).map(toTokenRow)),
      setMac: (id: string, mac: string) => run(() => s.setTokenMac.run(mac, id).changes === 1),
      revoke: (id: string, revokedAt: number, mac: string | null) =>
        run(() => s.revokeToken.run(revokedAt, mac, id).changes === 1),
    },

    restore: {
      anchors: () => run(() => (s.allAnchors.all() as DbAnchorRow[]).map(toAnchorRecord)),
      auditEntries: (entries) =>
        run(() => {
          for (const entry of entries) s.restoreAudit.run(entry.id, ...auditValues(entry));
        }),
      anchor: (anchor) =>
        run(() => {
          s.restoreAnchor.run(anchor.throughId, anchor.hash, anchor.prunedCount, anchor.prunedAt);
        }),
      change: (change) =>
        run(() => {
          s.restoreChange.run(change.seq, change.kind, change.name, change.environment, change.changedAt);
        }),
      // AUTOINCREMENT keeps its counter past explicit ids by itself.
      finish: () => run(() => undefined),
    },
  };
  return tx;
}
