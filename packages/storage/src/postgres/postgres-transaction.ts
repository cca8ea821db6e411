/**
 * @module postgres-transaction
 * The tables of {@link Transaction} on one PostgreSQL connection.
 */

import type { PoolClient, QueryResultRow } from 'pg';
import { MAX_AUDIT_PAGE, MAX_CHANGES_PAGE } from '../lib/limits.js';
import {
  type DbAnchorRow,
  type DbAuditRow,
  type DbChangeRow,
  type DbSecretRow,
  type DbTokenRow,
  toAnchorRecord,
  toAuditRow,
  toChange,
  tokenParams,
  toSecretRow,
  toTokenRow,
} from '../lib/row-mapping.js';
import type { AuditRow, SecretRow } from '../rows.js';
import type { Transaction } from '../storage.js';
import { StorageError } from '../storage-error.js';
import { type SQL, statement } from './statements.js';

/**
 * Builds the tables of one transaction on `client`. `assertOpen` throws once the transaction has
 * settled, so a table kept past its transaction cannot write outside one.
 */
export function postgresTransaction(client: PoolClient, assertOpen: () => void): Transaction {
  const query = async <R extends QueryResultRow>(name: keyof typeof SQL, values: readonly unknown[] = []) => {
    assertOpen();
    return client.query<R>(statement(name, values));
  };
  const rows = async <R extends QueryResultRow>(name: keyof typeof SQL, values: readonly unknown[] = []) =>
    (await query<R>(name, values)).rows;
  const changed = async (name: keyof typeof SQL, values: readonly unknown[]) =>
    (await query(name, values)).rowCount ?? 0;

  return {
    secrets: {
      insert: async (row: SecretRow) =>
        (await changed('insertSecret', secretValues(row))) === 1 ? 'inserted' : 'exists',
      find: async (environment, name) => {
        const [row] = await rows<DbSecretRow>('findSecret', [environment, name]);
        return row && toSecretRow(row);
      },
      findByName: async (name, environments) =>
        (await rows<DbSecretRow>('findSecretsByName', [name]))
          .filter((row) => environments === undefined || environments.includes(row.environment))
          .map(toSecretRow),
      list: async (environment) => (await rows<DbSecretRow>('listSecrets', [environment])).map(toSecretRow),
      listAll: async () => (await rows<DbSecretRow>('listAllSecrets')).map(toSecretRow),
      update: async (id, expectedVersion, update) =>
        (await changed('updateSecret', [
          id,
          expectedVersion,
          update.encryptedBlob,
          update.nonce,
          update.salt,
          update.kdf.algorithm,
          update.kdf.version,
          update.kdf.memoryKiB,
          update.kdf.iterations,
          update.kdf.parallelism,
          update.updatedAt,
          update.expiresAt !== undefined,
          update.expiresAt ?? null,
          update.rotateEverySeconds !== undefined,
          update.rotateEverySeconds ?? null,
        ])) === 1,
      delete: async (id) => (await changed('deleteSecret', [id])) === 1,
      count: async () => (await rows<{ n: number }>('countSecrets'))[0]!.n,
    },

    audit: {
      chainHead: async () => {
        const [last] = await rows<{ hash: string }>('lastAuditHash');
        if (last) return last.hash;
        return (await rows<{ hash: string }>('latestAnchor'))[0]?.hash;
      },
      append: async (entries) => {
        if (entries.length === 0) return 0;
        const ids = await rows<{ id: number | string }>('appendAudit', auditColumns(entries));
        return Math.max(...ids.map((row) => Number(row.id)));
      },
      lastPrunable: async (cutoff) => {
        const [row] = await rows<DbAuditRow>('lastPrunable', [cutoff]);
        return row && toAuditRow(row);
      },
      query: async (filter = {}) => {
        const found = await rows<DbAuditRow>(filter.latest ? 'queryLatestAudit' : 'queryAudit', [
          filter.secretName ?? null,
          filter.environment ?? null,
          filter.since ?? null,
          filter.until ?? null,
          filter.afterId ?? 0,
          Math.min(filter.limit ?? MAX_AUDIT_PAGE, MAX_AUDIT_PAGE),
          filter.operation ?? null,
          filter.requesterRole ?? null,
          filter.requester ?? null,
          filter.success ?? null,
          filter.disclosure ?? null,
          filter.beforeId ?? Number.MAX_SAFE_INTEGER,
          filter.environments ?? null,
          filter.namePatterns?.map(likePattern) ?? null,
        ]);
        if (filter.latest) found.reverse();
        return found.map(toAuditRow);
      },
      anchor: async () => {
        const [row] = await rows<{ through_id: number; hash: string }>('latestAnchor');
        return row && { throughId: row.through_id, hash: row.hash };
      },
      prune: async (cutoff, prunedAt) => {
        const [last] = await rows<{ id: number; hash: string }>('lastPrunable', [cutoff]);
        if (!last) return 0;
        await query('openPruneGate', [last.id]);
        const pruned = await changed('pruneAudit', [last.id]);
        await query('closePruneGate');
        await query('recordAnchor', [last.id, last.hash, pruned, prunedAt]);
        await query('pruneChanges', [cutoff]);
        return pruned;
      },
      count: async () => (await rows<{ n: number }>('countAudit'))[0]!.n,
    },

    meta: {
      entries: async () =>
        (await rows<{ key: string; value: string }>('metaEntries')).map(
          ({ key, value }) => [key, value] as [string, string],
        ),
      get: async (key) => (await rows<{ value: string }>('getMeta', [key]))[0]?.value,
      set: async (key, value, options = {}) => {
        if ((await changed(options.replace ? 'upsertMeta' : 'insertMeta', [key, value])) === 0) {
          throw new StorageError('STORAGE_FAILED', `setting '${key}' is already set and may not be replaced`);
        }
      },
    },

    changes: {
      record: async (change) => {
        const [row] = await rows<{ seq: number }>('recordChange', [
          change.kind,
          change.name,
          change.environment,
          change.changedAt,
        ]);
        await query('notifyChange', [row!.seq]);
        return row!.seq;
      },
      since: async (seq, limit = MAX_CHANGES_PAGE) =>
        (await rows<DbChangeRow>('changesSince', [seq, Math.min(limit, MAX_CHANGES_PAGE)])).map(toChange),
      latest: async () => (await rows<{ seq: number }>('latestChange'))[0]!.seq,
      // Delivered at commit, to every instance's LISTEN connection, with the current head.
      announce: async () => {
        await query('notifyChange', [(await rows<{ seq: number }>('latestChange'))[0]!.seq]);
      },
    },

    tokens: {
      insert: async (row) => {
        const p = tokenParams(row);
        await query('insertToken', [
          p.id,
          p.token_hash,
          p.role,
          p.agent_id,
          p.environments,
          p.secret_patterns,
          p.created_at,
          p.created_by,
          p.expires_at,
          p.revoked_at,
          p.mac,
        ]);
      },
      find: async (id) => {
        const [row] = await rows<DbTokenRow>('findToken', [id]);
        return row && toTokenRow(row);
      },
      list: async () => (await rows<DbTokenRow>('listTokens')).map(toTokenRow),
      setMac: async (id, mac) => (await changed('setTokenMac', [mac, id])) === 1,
      revoke: async (id, revokedAt, mac) => (await changed('revokeToken', [revokedAt, mac, id])) === 1,
    },

    restore: {
      anchors: async () => (await rows<DbAnchorRow>('allAnchors')).map(toAnchorRecord),
      auditEntries: async (entries) => {
        if (entries.length === 0) return;
        await query('restoreAudit', [entries.map((entry) => entry.id), ...auditColumns(entries)]);
      },
      anchor: async (anchor) => {
        await query('restoreAnchor', [anchor.throughId, anchor.hash, anchor.prunedCount, anchor.prunedAt]);
      },
      change: async (change) => {
        await query('restoreChange', [
          change.seq,
          change.kind,
          change.name,
          change.environment,
          change.changedAt,
        ]);
      },
      finish: async () => {
        await query('resyncSequences');
      },
    },
  };
}

function secretValues(row: SecretRow): unknown[] {
  return [
    row.id,
    row.name,
    row.environment,
    row.encryptedBlob,
    row.nonce,
    row.salt,
    row.kdf.algorithm,
    row.kdf.version,
    row.kdf.memoryKiB,
    row.kdf.iterations,
    row.kdf.parallelism,
    row.createdAt,
    row.updatedAt,
    row.version,
    row.expiresAt,
    row.rotateEverySeconds,
  ];
}

/** The batch as one array per column, in the order of the append statement. */
function auditColumns(entries: readonly AuditRow[]): unknown[] {
  const column = <T>(pick: (entry: AuditRow) => T) => entries.map(pick);
  return [
    column((e) => e.secretName),
    column((e) => e.operation),
    column((e) => e.requesterRole),
    column((e) => e.agentId),
    column((e) => e.success),
    column((e) => e.errorMessage),
    column((e) => e.timestamp),
    column((e) => e.environment),
    column((e) => e.requesterId),
    column((e) => e.prevHash),
    column((e) => e.hash),
    column((e) => e.secretVersion),
    column((e) => e.digest),
    column((e) => e.disclosure),
  ];
}

/**
 * A scope pattern (`[A-Za-z0-9_*]`, `*` for any run) as a LIKE pattern: `_` is LIKE's one-char
 * wildcard, so it is escaped (with LIKE's default escape, the backslash); `*` becomes `%`.
 */
function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_]/g, '\\$&').replace(/\*/g, '%');
}
