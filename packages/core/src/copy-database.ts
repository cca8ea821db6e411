/**
 * @module copy-database
 * Moving an installation to another database (embedded SQLite to production PostgreSQL) with its
 * ciphertexts, tokens, settings and audit log exactly as they were.
 */
import { existsSync } from 'node:fs';
import {
  copyStorage,
  isPostgresUrl,
  openStorage,
  type Storage,
  type CopyReport as StorageCopyReport,
} from '@iron/secrets-storage';
import { IronSecretsError } from './errors.js';
import { translated } from './lib/translate-error.js';
import { reservedNameReason } from './reserved-names.js';

/** Rows moved by {@link copyDatabase}, and what the operator should know about them. */
export interface CopyReport extends StorageCopyReport {
  /**
   * One line per secret carried under a reserved name (R10): a row written before the rule. It is
   * copied (one old `PATH` row must not block a move to PostgreSQL) but never injected.
   */
  readonly warnings: readonly string[];
}

/**
 * Copies every row of the database at `from` into the empty database at `to`, migrating `to`
 * first, and warns about each secret it carried under a reserved name (R10). Rows move verbatim, so no master key is needed and none is seen; the copy opens with the
 * same master key and its audit chain verifies as the original's did. The target is written in one
 * transaction: a failed copy leaves it empty.
 *
 * @example
 * ```ts
 * await copyDatabase('/var/lib/iron-secrets/secrets.db', 'postgres://iron@db.internal/iron');
 * ```
 */
export async function copyDatabase(from: string, to: string): Promise<CopyReport> {
  for (const [name, location] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (typeof location !== 'string' || location.length === 0 || location === ':memory:') {
      throw new IronSecretsError('INVALID_ARGUMENT', `copy ${name} needs a postgres:// URL or a file path`);
    }
  }
  if (from === to) throw new IronSecretsError('INVALID_ARGUMENT', 'copy needs two different databases');
  // Opening a SQLite path creates it: a mistyped source must not become an empty database.
  if (!isPostgresUrl(from) && !existsSync(from)) {
    throw new IronSecretsError('STORAGE_UNAVAILABLE', `there is no database at ${from}`);
  }
  let source: Storage | undefined;
  let target: Storage | undefined;
  try {
    source = await translated(() => openStorage(from));
    target = await translated(() => openStorage(to, { migrate: true }));
    const [s, t] = [source, target];
    const contents = await translated(() => contentsOf(t));
    if (contents !== undefined) {
      throw new IronSecretsError(
        'INVALID_ARGUMENT',
        `the database to copy into (${t.location}) must be empty, and it holds ${contents}: copy into a new, empty database`,
      );
    }
    const report = await translated(() => copyStorage(s, t));
    const rows = await translated(() => t.transaction((tx) => tx.secrets.listAll(), { readOnly: true }));
    const warnings = rows.flatMap((row) => {
      const why = reservedNameReason(row.name);
      return why === undefined
        ? []
        : [
            `${row.name} (${row.environment}) has a reserved name: ${why}; it was copied, but is never injected into an agent: store its value under another name and delete it`,
          ];
    });
    return { ...report, warnings };
  } finally {
    await source?.close();
    await target?.close();
  }
}

/**
 * What a database already holds, as "3 secrets, 1 token, 12 audit entries and settings", or
 * undefined when it is empty (migrated, never used). Counts only: no name, no value.
 */
async function contentsOf(storage: Storage): Promise<string | undefined> {
  return storage.transaction(
    async (tx) => {
      const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
      const secrets = await tx.secrets.count();
      const tokens = (await tx.tokens.list()).length;
      const audit = await tx.audit.count();
      const settings = (await tx.meta.entries()).length;
      const changes = await tx.changes.latest();
      const parts = [
        ...(secrets > 0 ? [plural(secrets, 'secret', 'secrets')] : []),
        ...(tokens > 0 ? [plural(tokens, 'token', 'tokens')] : []),
        ...(audit > 0 ? [plural(audit, 'audit entry', 'audit entries')] : []),
        ...(settings > 0 ? [plural(settings, 'setting', 'settings')] : []),
        ...(changes > 0 && secrets === 0 ? [plural(changes, 'recorded change', 'recorded changes')] : []),
      ];
      if (parts.length === 0) return undefined;
      return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
    },
    { readOnly: true },
  );
}
