/**
 * @module file-bench
 * `get` with a warm key cache on a database file (WAL, synchronous=FULL), next to the cost of one
 * bare durable SQLite insert measured in the same run: every get commits its audit entry.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManager } from '@iron/secrets-core';
import BetterSqlite3 from 'better-sqlite3';
import { type Measurement, measure } from './measure.js';

export interface FileResults {
  /** `getSecret` with a warm key cache: a read transaction, AES, and a durable audit commit. */
  readonly get: Measurement;
  /** One bare INSERT in its own transaction, same pragmas: the cost of one durable commit. */
  readonly bareInsert: Measurement;
}

export async function fileBenchmarks(scale: number): Promise<FileResults> {
  const directory = mkdtempSync(join(tmpdir(), 'iron-bench-'));
  try {
    const iterations = Math.max(10, Math.round(1000 / scale));
    const db = new BetterSqlite3(join(directory, 'baseline.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, payload TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (payload) VALUES (?)');
    const bareInsert = await measure(
      'bare SQLite INSERT, own transaction (baseline)',
      () => insert.run('x'.repeat(200)),
      {
        iterations,
      },
    );
    db.close();

    const manager = await SecretsManager.open({
      database: join(directory, 'secrets.db'),
      masterKey: randomBytes(32).toString('base64'),
    });
    await manager.createSecret('KEY', `sk-proj-${'c'.repeat(40)}`, 'production');
    await manager.getSecret('KEY');
    const get = await measure(
      'get (warm key cache, file database)',
      () => manager.getSecret('KEY', 'agent'),
      { iterations },
    );
    await manager.close();
    return { get, bareInsert };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
