/**
 * @module update-secret
 * FR-5.3: encrypt the new value and replace the old one atomically, with its audit entry. This is
 * a rotation (R8): the change feed tells running agents.
 *
 * Without a new value it changes only the expiry or rotation interval. Those are bound to the
 * ciphertext (they are part of its associated data, so that an expired secret cannot be made to
 * look valid behind our back), so the current value is opened and sealed again under the new
 * settings: a new version, audited as an UPDATE, with the value and `updatedAt` (the value's age,
 * which the rotation interval counts from) unchanged.
 *
 * Concurrent updates of one secret all succeed, in the order they commit (issue 16): the write
 * transaction is exclusive (SQLite's BEGIN IMMEDIATE, PostgreSQL's write lock), and inside it the
 * row is read again; if another update committed meanwhile, the value is sealed again against the
 * row as it now is. The slow part, the key derivation, runs before the transaction, and the key
 * it cached is the one the re-seal uses: only a secret deleted and re-created, or re-keyed, under
 * the update sends it back to derive again outside.
 */
import { AuditOperation } from '@iron/secrets-audit';
import { Operation } from '@iron/secrets-rbac';
import type { SecretRow, SecretUpdate } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { type AuditFacts, appendAudit, auditRecord, authorizeOrRefuse, refuse } from '../lib/audit-trail.js';
import type { ManagerContext } from '../lib/context.js';
import { describeSecret } from '../lib/describe-secret.js';
import { assertCurrentMasterKey, explainDecryptionFailure } from '../lib/master-key-binding.js';
import { resolveSecret } from '../lib/resolve-secret.js';
import { definedRotation, type RotationOptions, toStoredRotation } from '../lib/rotation-options.js';
import { CURRENT_KDF, fieldsAfterUpdate, saltFor } from '../lib/secret-cipher.js';
import { ifMatchHolds, parseIfMatch } from '../lib/secret-etag.js';
import {
  assertOptionalEnvironment,
  assertSecretName,
  assertSecretValue,
  assertUnreservedName,
} from '../limits.js';
import { type RequesterInput, toRequester } from '../requester-input.js';
import type { SecretMetadata } from '../secret-metadata.js';

/** Options of `updateSecret`. */
export interface UpdateSecretOptions extends RotationOptions {
  /** Where the secret is; omitted, the name is resolved across environments (R1). */
  readonly environment?: string | undefined;
  /** Who updates it; omitted, the call acts as admin (R7). */
  readonly requester?: RequesterInput | undefined;
  /**
   * Compare-and-set: write only if the secret is still in the state this entity tag names (the
   * `etag` of a read, a listing or an earlier update; HTTP's `If-Match`, so a list of tags is
   * taken too), or with `*` only if it exists. Otherwise PRECONDITION_FAILED, and nothing is
   * written. Left out, the update is last-writer-wins and never fails for being concurrent.
   */
  readonly ifMatch?: string | undefined;
}

/**
 * How long an update keeps starting over while the secret is deleted and re-created, or re-keyed,
 * under it: the only races left once the write itself cannot conflict. Generous: it is a bound
 * against a livelock, not a policy.
 */
const RETRY_DEADLINE_MS = 60_000;

/** A sealed update of one row, ready to write. */
interface Prepared {
  readonly update: SecretUpdate;
  /** The value it seals (the new one, or the row's own for a settings-only update). */
  readonly value: string;
}

/**
 * Replaces the value of `name` (and the settings given), or with `newValue` undefined only the
 * settings given. Returns the secret as it now is, without its value (the masked value only).
 */
export async function updateSecret(
  context: ManagerContext,
  name: string,
  newValue: string | undefined,
  options: UpdateSecretOptions = {},
): Promise<SecretMetadata> {
  const requester = toRequester(options.requester);
  assertSecretName(name);
  assertUnreservedName(name);
  const { environment } = options;
  assertOptionalEnvironment(environment);
  if (newValue !== undefined) assertSecretValue(newValue, context.maxValueBytes);
  const ifMatch = options.ifMatch === undefined ? undefined : parseIfMatch(options.ifMatch);
  const rotation = toStoredRotation(options, context.now());
  const settings = definedRotation(rotation);
  if (newValue === undefined && Object.keys(settings).length === 0) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      'nothing to update: give a new value, an expiry (expiresAt) or a rotation interval (rotateEverySeconds)',
    );
  }
  const facts: AuditFacts = {
    requester,
    operation: AuditOperation.Update,
    secretName: name,
    environment: environment ?? null,
  };

  await authorizeOrRefuse(context, facts, Operation.Update, { environment, name });

  /** Seals the update of `row`, with the key of `salt` (derived now unless cached). */
  const prepare = async (row: SecretRow, salt: Uint8Array): Promise<Prepared> => {
    // Settings only: the value as it is in this very version of the row.
    const value = newValue ?? (await context.cipher.open(row));
    const changes = { updatedAt: newValue === undefined ? row.updatedAt : context.now(), ...settings };
    const sealed = await context.cipher.seal(value, fieldsAfterUpdate(row, changes), salt, CURRENT_KDF);
    return { update: { ...sealed, salt, kdf: CURRENT_KDF, ...changes }, value };
  };

  const deadline = Date.now() + RETRY_DEADLINE_MS;
  for (let attempt = 1; ; attempt += 1) {
    const found = await context.storage.transaction((tx) => resolveSecret(tx, requester, name, environment), {
      readOnly: true,
    });
    if ('error' in found) {
      const gone = ifMatch !== undefined && found.error.code === 'SECRET_NOT_FOUND';
      return refuse(context, facts, gone ? preconditionFailed(name, 'it does not exist') : found.error);
    }
    const { row } = found;
    const located: AuditFacts = { ...facts, environment: row.environment };
    if (ifMatch !== undefined && !ifMatchHolds(ifMatch, row)) return refuse(context, located, moved(name));
    let prepared: Prepared;
    try {
      prepared = await prepare(row, saltFor(row));
    } catch (error) {
      return refuseUnopened(context, located, error);
    }
    const salt = prepared.update.salt;
    const outcome = await context.storage.transaction(async (tx): Promise<Outcome> => {
      await assertCurrentMasterKey(context, tx);
      // No other write can run until this one commits: what is read now is what is replaced.
      const current = await tx.secrets.find(row.environment, name);
      if (ifMatch !== undefined && (current === undefined || !ifMatchHolds(ifMatch, current))) {
        return { kind: 'moved' };
      }
      if (current === undefined || !sameKey(current, row)) return { kind: 'restart' };
      let write = prepared;
      if (current.version !== row.version) {
        // Another update committed since the read: seal against the row as it now is (bound to
        // its version and times), with the key already derived and cached.
        try {
          write = await prepare(current, salt);
        } catch (error) {
          return { kind: 'unopened', error };
        }
      }
      if (!(await tx.secrets.update(current.id, current.version, write.update))) return { kind: 'restart' };
      const version = current.version + 1;
      await tx.changes.record({
        kind: 'updated',
        name,
        environment: current.environment,
        changedAt: context.now(),
      });
      await appendAudit(context, tx, [auditRecord(context, { ...located, secretVersion: version })]);
      return { kind: 'written', after: { ...current, ...write.update, version }, value: write.value };
    });
    switch (outcome.kind) {
      case 'written':
        return describeSecret(outcome.after, outcome.value, false, context.now());
      case 'moved':
        return refuse(context, located, moved(name));
      case 'unopened':
        return refuseUnopened(context, located, outcome.error);
      case 'restart':
        if (Date.now() >= deadline) {
          return refuse(
            context,
            facts,
            new IronSecretsError(
              'CONCURRENT_MODIFICATION',
              `secret '${name}' was deleted and re-created or re-keyed without pause for ${RETRY_DEADLINE_MS / 1000} s while it was being updated; try again`,
            ),
          );
        }
        await pause(attempt);
    }
  }
}

/** What the write transaction found. */
type Outcome =
  | { readonly kind: 'written'; readonly after: SecretRow; readonly value: string }
  /** `ifMatch` no longer holds. */
  | { readonly kind: 'moved' }
  /** The row is another one now (deleted and re-created), or has another key: prepare again, outside. */
  | { readonly kind: 'restart' }
  /** The current value did not open (a settings-only update). */
  | { readonly kind: 'unopened'; readonly error: unknown };

/** Whether `current` is `read`'s row with the same key: a re-seal needs no new derivation. */
function sameKey(current: SecretRow, read: SecretRow): boolean {
  return (
    current.id === read.id &&
    Buffer.from(current.salt).equals(Buffer.from(read.salt)) &&
    JSON.stringify(current.kdf) === JSON.stringify(read.kdf)
  );
}

function moved(name: string): IronSecretsError {
  return preconditionFailed(name, 'it was written since that tag was read');
}

function preconditionFailed(name: string, why: string): IronSecretsError {
  return new IronSecretsError(
    'PRECONDITION_FAILED',
    `secret '${name}' is not in the state ifMatch names (${why}); nothing was written: read it again`,
  );
}

async function refuseUnopened(context: ManagerContext, facts: AuditFacts, error: unknown): Promise<never> {
  if (error instanceof IronSecretsError)
    return refuse(context, facts, await explainDecryptionFailure(context, error));
  throw error;
}

/** A short random wait before starting over, so that racing updates spread out. */
function pause(attempt: number): Promise<void> {
  const ms = Math.random() * 5 * Math.min(attempt, 20);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
