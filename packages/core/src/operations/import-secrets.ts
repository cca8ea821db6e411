/**
 * @module import-secrets
 * Storing many secrets of one environment at once (a `.env` import), all or nothing: every entry
 * is checked and authorised first, encrypted outside the transaction (the key derivations run in
 * parallel), then every row, change and audit entry is written in one transaction. `setSecret`
 * is the one-entry case.
 */
import { randomUUID } from 'node:crypto';
import { AuditOperation, type AuditRecord } from '@iron/secrets-audit';
import { type Environment, Operation } from '@iron/secrets-rbac';
import type { SecretRow, Transaction } from '@iron/secrets-storage';
import { type ErrorDetails, IronSecretsError } from '../errors.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { assertCurrentMasterKey } from '../lib/master-key-binding.js';
import {
  definedRotation,
  type RotationOptions,
  type StoredRotation,
  toStoredRotation,
} from '../lib/rotation-options.js';
import { CURRENT_KDF, fieldsAfterUpdate, type SealedFields, saltFor } from '../lib/secret-cipher.js';
import {
  assertEnvironment,
  assertSecretName,
  assertSecretValue,
  assertUnreservedName,
  describeType,
} from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';

/** One secret to store. */
export interface SecretEntry {
  readonly name: string;
  readonly value: string;
}

/** Options of `importSecrets`. Rotation settings apply to every entry written. */
export interface ImportSecretsOptions extends RotationOptions {
  /** Replace secrets that exist; otherwise they are left as they are and reported as skipped. */
  readonly overwrite?: boolean | undefined;
  /** Who stores them; omitted, the call acts as admin (R7). */
  readonly requester?: RequesterInput | undefined;
}

/** Which names were created, updated, and left alone because they existed. */
export interface ImportResult {
  readonly created: string[];
  readonly updated: string[];
  readonly skipped: string[];
}

/** The most entries one import takes: a .env file, not a database dump. */
export const MAX_IMPORT_ENTRIES = 10_000;

/**
 * How long an import keeps re-planning while the secrets it writes are created, deleted or
 * re-keyed under it (the only races left: an update of a row it planned to update is sealed again
 * inside the write transaction). Generous: a bound against a livelock, not a policy.
 */
const RETRY_DEADLINE_MS = 60_000;

/** Above this many rows to update, the write transaction reads the environment in one query. */
const FIND_ONE_BY_ONE_UP_TO = 32;

/** Raised inside the write transaction when the plan no longer fits the rows: roll back, re-plan. */
class Raced extends Error {}

interface Planned {
  readonly entry: SecretEntry;
  /** The row to update, or none to create. */
  readonly existing: SecretRow | undefined;
}

export async function importSecrets(
  context: ManagerContext,
  entries: readonly SecretEntry[],
  environment: string,
  options: ImportSecretsOptions = {},
): Promise<ImportResult> {
  const requester = toRequester(options.requester);
  assertEnvironment(environment);
  assertEntries(entries, context.maxValueBytes);
  const rotation = toStoredRotation(options, context.now());
  const facts = (entry: SecretEntry, existing: SecretRow | undefined): AuditFacts => ({
    requester,
    operation: existing ? AuditOperation.Update : AuditOperation.Create,
    secretName: entry.name,
    environment,
    secretVersion: existing ? existing.version + 1 : 1,
  });

  const deadline = Date.now() + RETRY_DEADLINE_MS;
  for (let attempt = 1; Date.now() < deadline; attempt += 1) {
    const rows = await context.storage.transaction((tx) => tx.secrets.list(environment), { readOnly: true });
    const byName = new Map(rows.map((row) => [row.name, row]));
    const skipped = options.overwrite ? [] : entries.filter((e) => byName.has(e.name)).map((e) => e.name);
    const plan: Planned[] = entries
      .filter((entry) => options.overwrite || !byName.has(entry.name))
      .map((entry) => ({ entry, existing: byName.get(entry.name) }));

    // Every entry is authorised before anything is written: a refusal changes nothing.
    for (const { entry, existing } of plan) {
      const operation = existing ? Operation.Update : Operation.Create;
      await authorizeOrRefuse(context, facts(entry, existing), operation, { environment, name: entry.name });
    }
    // Sealed outside the transaction: the key derivations (the slow part) run in parallel, and
    // their keys stay cached for a re-seal inside it.
    const sealed = await Promise.all(plan.map((planned) => seal(context, planned, environment, rotation)));
    try {
      await context.storage.transaction(async (tx) => {
        await assertCurrentMasterKey(context, tx);
        // No other write runs until this one commits: the rows read now are the rows replaced.
        const current = await currentRows(tx, environment, plan);
        const audited: AuditRecord[] = [];
        for (const [index, { entry, existing }] of plan.entries()) {
          let row = sealed[index]!;
          let written: boolean;
          if (existing) {
            const now = current.get(entry.name);
            // Deleted, re-created or re-keyed since the plan: plan again (and authorise again).
            if (now === undefined || !sameKey(now, existing)) throw new Raced();
            if (now.version !== existing.version) {
              // Updated since the plan: sealed again against the row as it now is, with the key
              // derived for the plan (still cached).
              row = await seal(context, { entry, existing: now }, environment, rotation, row.salt);
            }
            written = await tx.secrets.update(now.id, now.version, {
              encryptedBlob: row.encryptedBlob,
              nonce: row.nonce,
              salt: row.salt,
              kdf: row.kdf,
              ...updateOf(row.updatedAt, rotation),
            });
            audited.push(auditRecord(context, facts(entry, now)));
          } else {
            written = (await tx.secrets.insert(row)) === 'inserted';
            audited.push(auditRecord(context, facts(entry, undefined)));
          }
          if (!written) throw new Raced();
          const kind = existing ? 'updated' : 'created';
          await tx.changes.record({ kind, name: entry.name, environment, changedAt: row.updatedAt });
        }
        await appendAudit(context, tx, audited);
      });
    } catch (error) {
      if (error instanceof Raced) {
        await pause(attempt);
        continue;
      }
      throw error;
    }
    return {
      created: plan.filter((p) => !p.existing).map((p) => p.entry.name),
      updated: plan.filter((p) => p.existing).map((p) => p.entry.name),
      skipped,
    };
  }
  const [first] = entries;
  return refuse(
    context,
    facts(first!, undefined),
    new IronSecretsError(
      'CONCURRENT_MODIFICATION',
      `the secrets kept being created, deleted or re-keyed while they were being written (for ${RETRY_DEADLINE_MS / 1000} s); nothing was written; try again`,
    ),
  );
}

/** The rows, as they are now, of the plan's entries that update one; by name. */
async function currentRows(
  tx: Transaction,
  environment: string,
  plan: readonly Planned[],
): Promise<Map<string, SecretRow>> {
  const names = plan.filter((p) => p.existing).map((p) => p.entry.name);
  if (names.length > FIND_ONE_BY_ONE_UP_TO) {
    return new Map((await tx.secrets.list(environment)).map((row) => [row.name, row]));
  }
  const current = new Map<string, SecretRow>();
  for (const name of names) {
    const row = await tx.secrets.find(environment, name);
    if (row) current.set(name, row);
  }
  return current;
}

/** Whether `current` is `planned`'s row with the same key: a re-seal needs no new derivation. */
function sameKey(current: SecretRow, planned: SecretRow): boolean {
  return (
    current.id === planned.id &&
    Buffer.from(current.salt).equals(Buffer.from(planned.salt)) &&
    JSON.stringify(current.kdf) === JSON.stringify(planned.kdf)
  );
}

/** A short random wait before re-planning, so that racing writers spread out. */
function pause(attempt: number): Promise<void> {
  const ms = Math.random() * 5 * Math.min(attempt, 20);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The row to write for a planned entry: a new one, or the existing one with a new ciphertext. */
async function seal(
  context: ManagerContext,
  { entry, existing }: Planned,
  environment: Environment,
  rotation: StoredRotation,
  salt: Uint8Array = saltFor(existing),
): Promise<SecretRow> {
  const now = context.now();
  // An existing row is sealed as it will be after the update, a new one as it will be inserted.
  const fields: SealedFields = existing
    ? fieldsAfterUpdate(existing, updateOf(now, rotation))
    : {
        id: randomUUID(),
        environment,
        name: entry.name,
        createdAt: now,
        updatedAt: now,
        version: 1,
        expiresAt: rotation.expiresAt ?? null,
        rotateEverySeconds: rotation.rotateEverySeconds ?? null,
      };
  const sealed = await context.cipher.seal(entry.value, fields, salt, CURRENT_KDF);
  return { ...fields, ...sealed, salt, kdf: CURRENT_KDF };
}

/** What an import changes on an existing row besides its ciphertext. */
function updateOf(updatedAt: number, rotation: StoredRotation) {
  return { updatedAt, ...definedRotation(rotation) };
}

function assertEntries(entries: readonly SecretEntry[], maxValueBytes: number): void {
  if (!Array.isArray(entries)) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      `entries must be an array of { name, value }; got ${describeType(entries)}`,
    );
  }
  if (entries.length === 0 || entries.length > MAX_IMPORT_ENTRIES) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      `give 1 to ${MAX_IMPORT_ENTRIES} secrets; got ${entries.length}`,
    );
  }
  const seen = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const place = { entry: index + 1, single: entries.length === 1 };
    if (typeof entry !== 'object' || entry === null) {
      throw new IronSecretsError(
        'INVALID_ARGUMENT',
        `entry ${index + 1} must be { name, value }; got ${describeType(entry)}`,
        { details: { entry: place.entry } },
      );
    }
    at(place, 'name', () => assertSecretName(entry.name));
    at(place, 'name', () => assertUnreservedName(entry.name));
    at(place, 'value', () => assertSecretValue(entry.value, maxValueBytes));
    if (seen.has(entry.name)) {
      throw new IronSecretsError('INVALID_ARGUMENT', `entry ${index + 1} repeats the name '${entry.name}'`, {
        details: { entry: place.entry, field: 'name' },
      });
    }
    seen.add(entry.name);
  }
}

/**
 * Runs a check of one field of an entry, saying which entry and field failed (by position: never
 * the value): in `details`, and in the message when there are several entries. The check's own
 * error, whose message has no position, is the `cause`.
 */
function at(
  place: { readonly entry: number; readonly single: boolean },
  field: NonNullable<ErrorDetails['field']>,
  check: () => void,
): void {
  try {
    check();
  } catch (error) {
    if (error instanceof IronSecretsError) {
      const position = place.single ? '' : `entry ${place.entry}: `;
      throw new IronSecretsError(error.code, `${position}${error.message}`, {
        cause: error,
        details: { ...error.details, entry: place.entry, field },
      });
    }
    throw error;
  }
}
