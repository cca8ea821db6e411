/**
 * Tampering: every column of every row of the secrets, the audit log and the access tokens is
 * flipped, swapped with another row's, truncated and nulled, directly in the database (its
 * append-only triggers dropped first, as the database's owner could). Each change must be
 * detected (a secret that no longer decrypts, a broken audit chain, a refused token, or the
 * database refusing the change itself), and no read may ever return a wrong plaintext. The cases
 * are generated from the tables' own column lists, not written by hand.
 */
import { SecretsManager } from '@iron/secrets-core';
import type { TestBackend, TestDatabase } from '@iron/secrets-storage/testing';
import { describe, expect, it } from 'vitest';
import { keepDatabase, needle, secretValue } from './evidence.js';
import { database, masterKey } from './support.js';

type Value = unknown;
type Mutation = 'flip' | 'swap' | 'truncate' | 'null';
const MUTATIONS: readonly Mutation[] = ['flip', 'swap', 'truncate', 'null'];
// The audit log first: checking the others appends to it.
const TABLES = ['secret_audit_log', 'secrets', 'access_tokens'] as const;
type Table = (typeof TABLES)[number];
const TRIGGERS: Record<Table, string[]> = {
  secrets: [],
  secret_audit_log: ['secret_audit_log_no_update', 'secret_audit_log_no_delete'],
  access_tokens: ['access_tokens_only_revoke', 'access_tokens_no_delete'],
};

const checker = {
  role: 'agent',
  agentId: 'tamper-checker',
  environments: ['production', 'staging'],
} as const;

describe.each(['sqlite', 'postgres'] as const)('tampering on %s', (backend: TestBackend) => {
  it('every column of every row, flipped, swapped, truncated and nulled: detected, never a wrong plaintext', async () => {
    const db = await database(backend);
    const key = masterKey();
    const manager = await SecretsManager.open({ database: db.location, masterKey: key, migrate: true });
    try {
      const secrets = [
        { name: 'TAMPER_A', environment: 'production', value: secretValue('tamper') },
        { name: 'TAMPER_B', environment: 'staging', value: secretValue('tamper') },
      ] as const;
      await manager.createSecret(secrets[0].name, secrets[0].value, secrets[0].environment, {
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // different times on the two rows
      await manager.createSecret(secrets[1].name, secrets[1].value, secrets[1].environment, {
        rotateEverySeconds: 30 * 86_400,
      });
      const tokens = [
        await manager.createToken({ role: 'agent', environments: ['production'], agentId: 'bot-a' }),
        await manager.createToken({ role: 'viewer', expiresAt: new Date(Date.now() + 3_600_000) }),
      ];
      needle(...tokens.map((t) => t.token));
      for (const table of TABLES) for (const trigger of TRIGGERS[table]) await db.dropTrigger(trigger, table);

      const tally = { cases: 0, detected: 0, refusedByDatabase: 0, noOp: 0, harmless: 0 };
      for (const table of TABLES) {
        const key = 'id';
        const columns = await columnsOf(db, table);
        const rows = await db.raw(`SELECT * FROM ${table} ORDER BY ${key}`);
        for (const [index, row] of rows.entries()) {
          const other = rows[(index + 1) % rows.length]!;
          for (const column of columns) {
            for (const mutation of MUTATIONS) {
              tally.cases += 1;
              const original = row[column.name];
              const changed = mutate(mutation, original, other[column.name], column.numeric);
              if (changed === SKIP || same(changed, original)) {
                tally.noOp += 1; // e.g. nulling a NULL, swapping equal values
                continue;
              }
              const where = row[key];
              const written = await db
                .raw(`UPDATE ${table} SET ${column.name} = $1 WHERE ${key} = $2`, [changed, where])
                .then(
                  () => true,
                  () => false, // a CHECK, NOT NULL or key constraint refused it
                );
              if (!written) {
                tally.refusedByDatabase += 1;
                continue;
              }
              const label = `${table}.${column.name} row ${index + 1} ${mutation}`;
              // Which secret or token the row is, by its original name or id.
              const target =
                table === 'secrets'
                  ? secrets.findIndex((secret) => secret.name === row.name)
                  : table === 'access_tokens'
                    ? tokens.findIndex((token) => token.id === row.id)
                    : index;
              const outcome = await check(manager, table, secrets, tokens, target, label);
              if (outcome === 'harmless' && table === 'secret_audit_log' && column.name === 'id')
                tally.harmless += 1;
              else {
                expect(outcome, label).toBe('detected');
                tally.detected += 1;
              }
              const restoreWhere = column.name === key ? changed : where;
              // Null-safe: SQLite lets a TEXT primary key be NULL.
              const matches = db.backend === 'postgres' ? 'IS NOT DISTINCT FROM' : 'IS';
              await db.raw(`UPDATE ${table} SET ${column.name} = $1 WHERE ${key} ${matches} $2`, [
                original,
                restoreWhere,
              ]);
              const [back] = await db.raw(`SELECT ${column.name} AS v FROM ${table} WHERE ${key} = $1`, [
                where,
              ]);
              expect(same(back?.v, original), `${label}: restored`).toBe(true);
            }
          }
        }
      }
      // Everything put back: all is well again.
      expect(await manager.verifyAuditLog()).toMatchObject({ ok: true });
      for (const secret of secrets) {
        expect(await manager.getSecret(secret.name, checker, { environment: secret.environment })).toBe(
          secret.value,
        );
      }
      if (backend === 'sqlite') keepDatabase('tampering', db.location);
      process.stderr.write(`tampering on ${backend}: ${JSON.stringify(tally)}\n`);
      expect(tally.detected).toBeGreaterThan(100);
    } finally {
      await manager.close();
    }
  });
});

describe.each(['sqlite', 'postgres'] as const)(
  'tampering with the sealed audit records on %s',
  (backend: TestBackend) => {
    it('every sealed record (head, history, signing key) and every field of a checkpoint: detected', async () => {
      const db = await database(backend);
      const manager = await SecretsManager.open({
        database: db.location,
        masterKey: masterKey(),
        migrate: true,
      });
      try {
        await manager.createSecret('SEALED_A', secretValue('tamper'), 'production');
        const checkpoint = await manager.createCheckpoint();
        await manager.getSecret('SEALED_A', checker, { environment: 'production' });
        const tally = { cases: 0, detected: 0, noOp: 0 };
        const rows = await db.raw(
          "SELECT key, value FROM iron_meta WHERE key IN ('audit_head', 'audit_history', 'audit_signing_key') ORDER BY key",
        );
        expect(rows).toHaveLength(3);
        for (const [index, row] of rows.entries()) {
          const other = rows[(index + 1) % rows.length]!;
          for (const mutation of MUTATIONS) {
            const changed = mutate(mutation, row.value, other.value, false);
            if (changed === SKIP || same(changed, row.value)) {
              tally.noOp += 1;
              continue;
            }
            tally.cases += 1;
            const label = `iron_meta ${String(row.key)} ${mutation}`;
            const written = await db
              .raw('UPDATE iron_meta SET value = $1 WHERE key = $2', [changed, row.key])
              .then(
                () => true,
                () => false,
              );
            if (written) {
              // Found by verify, or refused by what uses the record (appending, signing).
              const verified = await manager.verifyAuditLog({ checkpoint }).then(
                (result) => result.ok,
                () => false,
              );
              const signed = await manager.createCheckpoint().then(
                () => true,
                () => false,
              );
              expect(!verified || !signed, label).toBe(true);
              tally.detected += 1;
            }
            await db.raw('UPDATE iron_meta SET value = $1 WHERE key = $2', [row.value, row.key]);
          }
        }
        // Every field of the checkpoint file, changed: refused by its parser or by verify.
        for (const field of Object.keys(checkpoint) as (keyof typeof checkpoint)[]) {
          for (const mutation of MUTATIONS) {
            const original = checkpoint[field];
            const changed = mutate(
              mutation,
              original,
              field === 'lastId' ? 1 : 'x',
              typeof original === 'number',
            );
            if (changed === SKIP || same(changed, original)) continue;
            tally.cases += 1;
            const forged = { ...checkpoint, [field]: changed } as typeof checkpoint;
            const result = await manager.verifyAuditLog({ checkpoint: forged }).then(
              (outcome) => outcome.ok,
              () => false,
            );
            expect(result, `checkpoint.${field} ${mutation}`).toBe(false);
            tally.detected += 1;
          }
        }
        expect(await manager.verifyAuditLog({ checkpoint })).toMatchObject({ ok: true });
        process.stderr.write(`sealed-record tampering on ${backend}: ${JSON.stringify(tally)}\n`);
        expect(tally.detected).toBeGreaterThan(30);
      } finally {
        await manager.close();
      }
    });
  },
);

const SKIP = Symbol('skip');

interface Column {
  readonly name: string;
  readonly numeric: boolean;
}

async function columnsOf(db: TestDatabase, table: string): Promise<Column[]> {
  if (db.backend === 'postgres') {
    const rows = await db.raw(
      `SELECT column_name AS name, data_type AS type FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    );
    return rows.map((c) => ({ name: String(c.name), numeric: /int|numeric/.test(String(c.type)) }));
  }
  const rows = await db.raw(`PRAGMA table_info(${table})`);
  return rows.map((c) => ({ name: String(c.name), numeric: /INT/i.test(String(c.type)) }));
}

/** The mutated value, or SKIP when the mutation does not apply (truncating a NULL). */
function mutate(mutation: Mutation, value: Value, other: Value, numeric: boolean): Value | typeof SKIP {
  switch (mutation) {
    case 'null':
      return null;
    case 'swap':
      return other;
    case 'flip':
      if (value === null) return numeric ? 1_900_000_000 : 'x';
      if (Buffer.isBuffer(value)) {
        const copy = Buffer.from(value);
        copy[0]! ^= 0x01;
        return copy;
      }
      if (typeof value === 'boolean') return !value;
      if (typeof value === 'number') return value + 1;
      if (numeric) return String(BigInt(String(value)) + 1n); // PostgreSQL's BIGINT, as text
      return flipLastCharacter(String(value));
    case 'truncate':
      if (value === null) return SKIP;
      if (Buffer.isBuffer(value)) return value.subarray(0, value.length - 1);
      if (typeof value === 'number') return Math.trunc(value / 10);
      if (typeof value === 'boolean') return SKIP;
      if (numeric) return String(BigInt(String(value)) / 10n);
      return String(value).slice(0, -1);
  }
}

function flipLastCharacter(text: string): string {
  if (text.length === 0) return 'x';
  const last = text.charCodeAt(text.length - 1);
  return text.slice(0, -1) + String.fromCharCode(last ^ 0x01);
}

function same(a: Value, b: Value): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b || (a !== null && b !== null && String(a) === String(b));
}

/**
 * Whether the change to row `index` of `table` was detected. Every read that succeeds must
 * return exactly the value stored: a wrong plaintext fails the test whatever else happens.
 */
async function check(
  manager: SecretsManager,
  table: Table,
  secrets: readonly { name: string; environment: string; value: string }[],
  tokens: readonly { id: string; token: string }[],
  index: number,
  label: string,
): Promise<'detected' | 'harmless' | 'undetected'> {
  const reads = await Promise.all(
    secrets.map((secret) =>
      manager.getSecret(secret.name, checker, { environment: secret.environment }).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    ),
  );
  for (const [i, read] of reads.entries()) {
    if (read.ok) expect(read.value, `${label}: a wrong plaintext`).toBe(secrets[i]!.value);
  }
  if (table === 'secrets') return reads[index]!.ok ? 'undetected' : 'detected';
  if (table === 'access_tokens') {
    const refused = await manager.authenticateToken(tokens[index]!.token).then(
      () => false,
      () => true,
    );
    return refused ? 'detected' : 'undetected';
  }
  const verified = await manager.verifyAuditLog();
  if (!verified.ok) return 'detected';
  // An entry's id is its position: renumbered without reordering, no entry says anything else.
  return 'harmless';
}
