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
