/**
 * @module secrets-manager
 * The library's entry point: a handle on one database and one master key.
 */
import { inspect } from 'node:util';
import { DEFAULT_RETENTION_DAYS } from '@iron/secrets-audit';
import { wipe } from '@iron/secrets-crypto';
import type { Requester } from '@iron/secrets-rbac';
import { type ChangeSubscription, openStorage, type Storage } from '@iron/secrets-storage';
import type { AccessToken } from './access-token.js';
import { IronSecretsError } from './errors.js';
import type { Checkpoint } from './lib/checkpoint.js';
import { type ManagerContext, retireContext } from './lib/context.js';
import { bindMasterKey } from './lib/master-key-binding.js';
import { OperationGate } from './lib/operation-gate.js';
import { SecretCipher } from './lib/secret-cipher.js';
import { type TokenWatch, type TokenWatchEndReason, TokenWatcher } from './lib/token-watch.js';
import { translated } from './lib/translate-error.js';
import { DEFAULT_MAX_VALUE_BYTES } from './limits.js';
import { masterKeyFrom, masterKeyFromEnvironment } from './master-key-source.js';
import { type AuditEntry, type AuditLogQuery, auditLog } from './operations/audit-log.js';
import { type AuditPublicKey, auditPublicKeys } from './operations/audit-public-keys.js';
import { authenticateToken } from './operations/authenticate-token.js';
import { changeSequence, changesSince, type SecretChangeEvent } from './operations/changes.js';
import { checkHealth, type ManagerHealth, unhealthy } from './operations/check-health.js';
import { createCheckpoint } from './operations/create-checkpoint.js';
import { type CreateSecretOptions, createSecret } from './operations/create-secret.js';
import { type CreatedToken, type CreateTokenOptions, createToken } from './operations/create-token.js';
import { type DeleteSecretOptions, deleteSecret } from './operations/delete-secret.js';
import {
  type AuditFollow,
  type FollowAuditLogOptions,
  followAuditLog,
} from './operations/follow-audit-log.js';
import { type GetSecretOptions, getSecret, readSecret } from './operations/get-secret.js';
import {
  type ImportResult,
  type ImportSecretsOptions,
  importSecrets,
  type SecretEntry,
} from './operations/import-secrets.js';
import { listSecretNames, type SecretNameListing } from './operations/list-secret-names.js';
import { type ListSecretsOptions, listSecrets } from './operations/list-secrets.js';
import { listTokens } from './operations/list-tokens.js';
import { type PruneAuditLogOptions, pruneAuditLog } from './operations/prune-audit-log.js';
import { type RevokeTokenResult, revokeToken } from './operations/revoke-token.js';
import { type RotateMasterKeyOptions, rotateMasterKey } from './operations/rotate-master-key.js';
import { type SetSecretOptions, type SetSecretResult, setSecret } from './operations/set-secret.js';
import { tokenStandings } from './operations/token-standing.js';
import { type UpdateSecretOptions, updateSecret } from './operations/update-secret.js';
import {
  type AuditVerification,
  type VerifyAuditLogOptions,
  verifyAuditLog,
} from './operations/verify-audit-log.js';
import type { RequesterInput } from './requester-input.js';
import type { SecretMetadata } from './secret-metadata.js';

/** Derived keys kept by default: enough for every secret of a large installation. */
const DEFAULT_KEY_CACHE_SIZE = 1024;

/** Options of {@link SecretsManager.open}. */
export interface OpenOptions {
  /**
   * Where the data is: a SQLite file path (created if missing), `':memory:'`, or a
   * `postgres://user:password@host:port/database` URL (production mode).
   */
  readonly database: string;
  /**
   * The master key, base64 of 32 bytes or the bytes themselves. Omitted, it is read from
   * `IRON_CAGE_MASTER_KEY` or `IRON_CAGE_MASTER_KEY_FILE`.
   */
  readonly masterKey?: string | Uint8Array | undefined;
  /** Where to read the master-key variables; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Largest value accepted, in UTF-8 bytes; default 64 KiB. */
  readonly maxValueBytes?: number | undefined;
  /** Derived keys kept in memory (wiped on eviction); 0 disables the cache. Default 1024. */
  readonly keyCacheSize?: number | undefined;
  /** Days of audit log `pruneAuditLog` keeps; default 90 (FR-8.5). */
  readonly auditRetentionDays?: number | undefined;
  /** Milliseconds to wait for another process's write lock; default 5 s. */
  readonly busyTimeoutMs?: number | undefined;
  /**
   * Apply pending schema migrations on open. Default: true for SQLite, false for PostgreSQL,
   * where a schema that is behind is refused with SCHEMA_OUTDATED (run `migrateDatabase` or
   * `iron-secrets migrate` once, not from every instance).
   */
  readonly migrate?: boolean | undefined;
  /** How often `watchChanges` polls a SQLite file; default 250 ms. PostgreSQL pushes instead. */
  readonly changePollMs?: number | undefined;
  /** The clock; for tests. */
  readonly clock?: (() => Date) | undefined;
}

/**
 * Encrypted secrets with access control and a verifiable audit trail, on one database.
 * Every method is asynchronous; every failure is an {@link IronSecretsError}.
 *
 * @example
 * ```ts
 * const manager = await SecretsManager.open({ database: ':memory:' }); // key from IRON_CAGE_MASTER_KEY
 * await manager.createSecret('OPENAI_API_KEY', 'sk-proj-abc123', 'production');
 * await manager.getSecret('OPENAI_API_KEY', 'agent'); // 'sk-proj-abc123'
 * await manager.close();
 * ```
 */
export class SecretsManager {
  // Replaced (never mutated) by a master-key rotation, which brings new keys; only ever read
  // by an operation inside the gate, and swapped or wiped only when no other is inside.
  #context: ManagerContext;
  readonly #gate = new OperationGate();
  // Set once by open(): whether that open bound the database to the master key (its first use).
  #boundNow = false;
  // One rotation at a time: each waits for the one before it (see OperationGate.alone).
  #rotations: Promise<unknown> = Promise.resolve();
  // The open streams' tokens, re-checked on announcements and a timer (see token-watch).
  readonly #tokenWatcher = new TokenWatcher({
    standings: (ids) => this.#run((context) => tokenStandings(context, ids)),
    watchChanges: (listener) => this.watchChanges(listener),
    now: () => this.#context.now(),
  });

  private constructor(context: ManagerContext) {
    this.#context = context;
  }

  /**
   * Opens (creating if needed) the database and checks the master key against it: a database
   * initialised with another key is refused at once with MASTER_KEY_MISMATCH, before any read.
   *
   * @example
   * ```ts
   * const manager = await SecretsManager.open({ database: '/var/lib/iron-secrets/secrets.db' });
   * ```
   */
  static async open(options: OpenOptions): Promise<SecretsManager> {
    if (typeof options !== 'object' || options === null || typeof options.database !== 'string') {
      throw new IronSecretsError('INVALID_ARGUMENT', "open() needs { database: a file path or ':memory:' }");
    }
    const maxValueBytes = positive(options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES, 'maxValueBytes', 1);
    const keyCacheSize = positive(options.keyCacheSize ?? DEFAULT_KEY_CACHE_SIZE, 'keyCacheSize', 0);
    const retentionDays = positive(
      options.auditRetentionDays ?? DEFAULT_RETENTION_DAYS,
      'auditRetentionDays',
      1,
    );
    const clock = options.clock ?? (() => new Date());
    // The key is checked before the database is touched: a missing key creates no file.
    const masterKey =
      options.masterKey === undefined
        ? masterKeyFromEnvironment(options.env)
        : masterKeyFrom(options.masterKey);
    let storage: Storage | undefined;
    try {
      storage = await translated(() =>
        openStorage(options.database, {
          busyTimeoutMs: options.busyTimeoutMs,
          migrate: options.migrate,
          changePollMs: options.changePollMs,
        }),
      );
      const { auditChainKey, fingerprint, boundNow } = await translated(() =>
        bindMasterKey(storage!, masterKey),
      );
      const manager = new SecretsManager({
        storage,
        cipher: new SecretCipher(masterKey, keyCacheSize),
        fingerprint,
        auditChainKey,
        maxValueBytes,
        retentionDays,
        now: () => Math.floor(clock().getTime() / 1000),
        counters: { rejectedTokens: 0 },
      });
      manager.#boundNow = boundNow;
      return manager;
    } catch (error) {
      wipe(masterKey);
      await storage?.close();
      throw error;
    }
  }

  /**
   * Whether opening this manager bound the database to its master key: the database's first use
   * (as `iron-secrets init` reports it), rather than a check against a key bound before.
   *
   * @example
   * ```ts
   * const manager = await SecretsManager.open({ database: url });
   * console.log(manager.boundOnOpen() ? 'bound to this master key' : 'master key checked');
   * ```
   */
  boundOnOpen(): boolean {
    return this.#boundNow;
  }

  /** FR-1: true once the database is open under a verified master key, until `close()`. */
  isInitialized(): boolean {
    return !this.#gate.closed;
  }

  /**
   * Whether the database answers and still belongs to this manager's master key (after another
   * process rotated it, this one can do nothing but fail). Never throws; for `/healthz`.
   *
   * @example
   * ```ts
   * const { ok, code } = await manager.health(); // { ok: false, code: 'MASTER_KEY_MISMATCH', ... }
   * ```
   */
  health(): Promise<ManagerHealth> {
    return this.#run((context) => checkHealth(context)).catch(unhealthy);
  }

  /**
   * FR-5.1: encrypts and stores a new secret; returns its id. SECRET_ALREADY_EXISTS when the name
   * is taken in that environment.
   *
   * @example
   * ```ts
   * const id = await manager.createSecret('OPENAI_API_KEY', 'sk-proj-abc123', 'production');
   * ```
   */
  createSecret(
    name: string,
    value: string,
    environment: string,
    options?: CreateSecretOptions,
  ): Promise<string> {
    return this.#run(async (context) => (await createSecret(context, name, value, environment, options)).id);
  }

  /**
   * {@link createSecret}, returning the secret as stored instead of its id alone: its id, expiry,
   * rotation interval and status, and masked value (never the value). What the API answers a
   * POST with.
   *
   * @example
   * ```ts
   * const created = await manager.createSecretDescribed('OPENAI_API_KEY', 'sk-proj-abc123', 'production', {
   *   expiresInSeconds: 90 * 86_400,
   * });
   * created.expiresAt; // 90 days from now
   * ```
   */
  createSecretDescribed(
    name: string,
    value: string,
    environment: string,
    options?: CreateSecretOptions,
  ): Promise<SecretMetadata> {
    return this.#run((context) => createSecret(context, name, value, environment, options));
  }

  /**
   * FR-5.2: a secret's value; masked for a viewer (FR-6.3). Without `environment`, the name is
   * looked up across the environments the requester may reach (R1).
   *
   * @example
   * ```ts
   * await manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' });
   * await manager.getSecret('OPENAI_API_KEY', 'viewer'); // 'sk-proj-ab...123'
   * ```
   */
  getSecret(name: string, requester?: RequesterInput, options?: GetSecretOptions): Promise<string> {
    return this.#run((context) => getSecret(context, name, requester, options));
  }

  /**
   * The read of {@link getSecret} (same access rules, same READ entry) with the secret's metadata:
   * `value` where the full value is handed out, `valueMasked` always, and `expiresAt`,
   * `rotationDueAt` and `rotationStatus` (`ok`, `due`, `expired`). An expired secret is still
   * read: saying so is the caller's part (`iron-secrets get` warns, the API sends a header).
   *
   * @example
   * ```ts
   * const secret = await manager.readSecret('OPENAI_API_KEY', 'agent', { environment: 'production' });
   * if (secret.rotationStatus === 'expired') console.warn(`${secret.name} expired at ${secret.expiresAt}`);
   * use(secret.value!);
   * ```
   */
  readSecret(name: string, requester?: RequesterInput, options?: GetSecretOptions): Promise<SecretMetadata> {
    return this.#run((context) => readSecret(context, name, requester, options));
  }

  /**
   * FR-5.3: replaces a secret's value atomically (a rotation), and the expiry or rotation interval
   * given (`null` removes one; left out, it is kept). With `newValue` undefined only those
   * settings change: the value is sealed again under them, unchanged, as a new version (audited
   * as an UPDATE), and `updatedAt`, which the rotation interval counts from, stays. Returns the
   * secret as it now is, without its value, with its new `etag`.
   *
   * Concurrent updates of one secret, from this process or any other on the same database, all
   * succeed, last writer wins in commit order. For compare-and-set, pass `ifMatch` (the `etag`
   * of a read): PRECONDITION_FAILED, nothing written, when someone wrote since.
   *
   * @example
   * ```ts
   * await manager.updateSecret('OPENAI_API_KEY', 'sk-proj-NEW-abc123', { environment: 'production' });
   * await manager.updateSecret('OPENAI_API_KEY', undefined, { environment: 'production', expiresAt: null });
   * const { etag } = await manager.readSecret('OPENAI_API_KEY');
   * await manager.updateSecret('OPENAI_API_KEY', 'sk-proj-NEW-def456', { ifMatch: etag });
   * ```
   */
  updateSecret(
    name: string,
    newValue: string | undefined,
    options?: UpdateSecretOptions,
  ): Promise<SecretMetadata> {
    return this.#run((context) => updateSecret(context, name, newValue, options));
  }

  /**
   * Creates the secret, or replaces its value if it exists in that environment (like
   * `vault kv put`). Audited as a CREATE or an UPDATE.
   *
   * @example
   * ```ts
   * await manager.setSecret('OPENAI_API_KEY', 'sk-proj-abc123', 'production'); // 'created'
   * await manager.setSecret('OPENAI_API_KEY', 'sk-proj-def456', 'production'); // 'updated'
   * ```
   */
  setSecret(
    name: string,
    value: string,
    environment: string,
    options?: SetSecretOptions,
  ): Promise<SetSecretResult> {
    return this.#run((context) => setSecret(context, name, value, environment, options));
  }

  /**
   * Stores many secrets of one environment, all or nothing, in one transaction (a `.env` import).
   * Existing ones are skipped unless `overwrite` is set.
   *
   * @example
   * ```ts
   * const { created, updated, skipped } = await manager.importSecrets(
   *   [{ name: 'DB_PASSWORD', value: 'hunter2-but-longer' }], 'staging', { overwrite: true });
   * ```
   */
  importSecrets(
    entries: readonly SecretEntry[],
    environment: string,
    options?: ImportSecretsOptions,
  ): Promise<ImportResult> {
    return this.#run((context) => importSecrets(context, entries, environment, options));
  }

  /**
   * FR-5.4: deletes a secret. Irreversible.
   *
   * @example
   * ```ts
   * await manager.deleteSecret('OPENAI_API_KEY', { environment: 'production' });
   * ```
   */
  deleteSecret(name: string, options?: DeleteSecretOptions): Promise<void> {
    return this.#run((context) => deleteSecret(context, name, options));
  }

  /**
   * FR-5.5, FR-9.3: the secrets of one environment, by name. Each has `valueMasked`; `value` only
   * for an agent, or an admin with `reveal: true`. A viewer asking to reveal is refused.
   *
   * @example
   * ```ts
   * const secrets = await manager.listSecrets('agent', 'production');
   * const env = Object.fromEntries(secrets.map((s) => [s.name, s.value!]));
   * ```
   */
  listSecrets(
    requester: RequesterInput | undefined,
    environment: string,
    options?: ListSecretsOptions,
  ): Promise<SecretMetadata[]> {
    return this.#run((context) => listSecrets(context, requester, environment, options));
  }

  /**
   * The secrets of one environment by name, with expiry and rotation, and no value at all (not
   * even masked): for agents and tools that must know what exists without seeing it. Allowed
   * wherever the role may list; audited as a READ of each secret that handed out `none`.
   *
   * @example
   * ```ts
   * const names = (await manager.listSecretNames('agent', 'production')).map((s) => s.name);
   * ```
   */
  listSecretNames(requester: RequesterInput | undefined, environment: string): Promise<SecretNameListing[]> {
    return this.#run((context) => listSecretNames(context, requester, environment));
  }

  /**
   * FR-8.4: audit entries, shown oldest first: the newest `limit` (default 10,000); with
   * `beforeId` the newest older than it; with `afterId` the oldest newer than it. Filters run
   * before the limit, the requester's scope included.
   *
   * @example
   * ```ts
   * const reads = await manager.auditLog({ secretName: 'OPENAI_API_KEY', since: new Date(Date.now() - 86_400_000) });
   * // Who saw the plaintext of DB_PASSWORD:
   * await manager.auditLog({ secretName: 'DB_PASSWORD', operation: 'READ', disclosure: 'value', success: true });
   * ```
   */
  auditLog(query?: AuditLogQuery): Promise<AuditEntry[]> {
    return this.#run((context) => auditLog(context, query));
  }

  /**
   * Follows the audit trail as it is written: entries in batches, oldest first, within the
   * requester's scope, never a value. From `afterId` on (resuming: at least once, by id), or
   * the newest `backlog` entries first, or only new ones. Another process's or instance's entries
   * arrive within about half a second. Admins and viewers; agents are refused (ACCESS_DENIED).
   *
   * @example
   * ```ts
   * const follow = await manager.followAuditLog({ afterId: lastShipped, signal });
   * for await (const batch of follow) for (const entry of batch) ship(auditEntryJson(entry));
   * ```
   */
  followAuditLog(options?: FollowAuditLogOptions): Promise<AuditFollow> {
    return translated(() =>
      followAuditLog(
        { run: (operation) => this.#run(operation), watchChanges: (listener) => this.watchChanges(listener) },
        options,
      ),
    );
  }

  /**
   * R3 and issue 14: checks the whole audit trail. Reports the first entry edited, inserted or
   * removed, a log that lost its newest entries or its beginning behind a forged anchor, a secret
   * row that disagrees with the trail (rolled back, restored after its delete, never created), and
   * with `checkpoint`, a log that does not extend that signed checkpoint.
   *
   * @example
   * ```ts
   * const { ok, entries, firstBadId, reason } = await manager.verifyAuditLog({ checkpoint });
   * ```
   */
  verifyAuditLog(options?: VerifyAuditLogOptions): Promise<AuditVerification> {
    return this.#run((context) => verifyAuditLog(context, options));
  }

  /**
   * A signed checkpoint of the audit chain's head, to keep outside the database: a later
   * `verifyAuditLog({ checkpoint })` (or anyone with the public key and the exported entries)
   * then detects a log that was truncated or rolled back. Admins and viewers.
   *
   * @example
   * ```ts
   * await writeFile('checkpoint.json', JSON.stringify(await manager.createCheckpoint()));
   * ```
   */
  createCheckpoint(options?: { requester?: RequesterInput }): Promise<Checkpoint> {
    return this.#run((context) => createCheckpoint(context, options));
  }

  /**
   * Every checkpoint signing key the installation has had (a master-key rotation replaces it),
   * with the entries each signed and the handover checkpoint that introduced it.
   *
   * @example
   * ```ts
   * const [first] = await manager.auditPublicKeys(); // { keyId, publicKey, pem, since, until, handover }
   * ```
   */
  auditPublicKeys(options?: { requester?: RequesterInput }): Promise<AuditPublicKey[]> {
    return this.#run((context) => auditPublicKeys(context, options));
  }

  /**
   * FR-8.5: removes audit entries older than the retention period (90 days by default); the
   * remaining chain still verifies. Admins only.
   *
   * @example
   * ```ts
   * const { pruned } = await manager.pruneAuditLog({ retentionDays: 365 });
   * ```
   */
  pruneAuditLog(options?: PruneAuditLogOptions): Promise<{ pruned: number }> {
    return this.#run((context) => pruneAuditLog(context, options));
  }

  /**
   * The sequence number of the latest change to any secret; poll it to notice rotations.
   *
   * @example
   * ```ts
   * const seq = await manager.changeSequence();
   * ```
   */
  changeSequence(): Promise<number> {
    return this.#run((context) => changeSequence(context));
  }

  /**
   * Changes after `seq` (names and kinds, never values), within the requester's scope.
   *
   * @example
   * ```ts
   * for (const change of await manager.changesSince(seq, { requester: agent })) console.log(change.name);
   * ```
   */
  changesSince(
    seq: number,
    options?: { requester?: RequesterInput; limit?: number },
  ): Promise<SecretChangeEvent[]> {
    return this.#run((context) => changesSince(context, seq, options));
  }

  /**
   * Calls `listener` with the latest sequence number whenever the change feed moves, whichever
   * process or instance made the change: SQLite is polled, PostgreSQL announces changes with
   * LISTEN/NOTIFY. The number may repeat or skip: read `changesSince(lastSeen)` on each call.
   *
   * @example
   * ```ts
   * const watch = await manager.watchChanges(async () => refresh(await manager.changesSince(seen)));
   * await watch.close();
   * ```
   */
  watchChanges(listener: (latest: number) => void): Promise<ChangeSubscription> {
    if (typeof listener !== 'function') {
      return Promise.reject(
        new IronSecretsError('INVALID_ARGUMENT', 'watchChanges needs a listener function'),
      );
    }
    return this.#run((context) => context.storage.watchChanges(listener));
  }

  /**
   * Mints an access token for the HTTP API or a remote `run` (R7 scopes). The token is in the
   * result only: it is stored as a hash and can never be shown again. Unscoped admins only.
   *
   * @example
   * ```ts
   * const { id, token } = await manager.createToken({ role: 'agent', environments: ['production'], agentId: 'lead-bot' });
   * ```
   */
  createToken(options: CreateTokenOptions): Promise<CreatedToken> {
    return this.#run((context) => createToken(context, options));
  }

  /**
   * Every access token (never the token itself): id, role, scope, status. Unscoped admins only.
   *
   * @example
   * ```ts
   * const active = (await manager.listTokens()).filter((t) => t.status === 'active');
   * ```
   */
  listTokens(options?: { requester?: RequesterInput }): Promise<AccessToken[]> {
    return this.#run((context) => listTokens(context, options));
  }

  /**
   * Revokes an access token by id: refused from then on, everywhere. Audited.
   *
   * @example
   * ```ts
   * await manager.revokeToken('3f9a1c2b7d4e'); // 'revoked'
   * ```
   */
  revokeToken(id: string, options?: { requester?: RequesterInput }): Promise<RevokeTokenResult> {
    return this.#run((context) => revokeToken(context, id, options));
  }

  /**
   * The requester an access token stands for; INVALID_TOKEN if it is malformed, unknown,
   * revoked or expired. The hash is compared in constant time.
   *
   * @example
   * ```ts
   * const requester = await manager.authenticateToken(bearer);
   * await manager.getSecret('OPENAI_API_KEY', requester, { environment: 'production' });
   * ```
   */
  authenticateToken(token: string): Promise<Requester> {
    return this.#run((context) => authenticateToken(context, token));
  }

  /**
   * Presented tokens refused without naming an existing token, since the manager opened: counted
   * instead of audited one by one (a refusal against an existing token id is an audit entry).
   *
   * @example
   * ```ts
   * manager.rejectedTokenCount(); // 0
   * ```
   */
  rejectedTokenCount(): number {
    return this.#context.counters.rejectedTokens;
  }

  /**
   * Watches access token `id` for what holds a stream open with it: `onEnd` is called once when
   * the token is revoked (by any process or instance: revocations are announced on the change
   * feed), expires, stops verifying, or cannot be read any more (the manager closed, the database
   * is unreachable). INVALID_TOKEN at once when it is not valid now. `check()` re-reads it on
   * demand.
   *
   * @example
   * ```ts
   * const watch = await manager.watchToken(requester.id, () => stream.close());
   * if (await watch.check()) await stream.write(event);
   * await watch.close();
   * ```
   */
  watchToken(id: string, onEnd: (reason: TokenWatchEndReason) => void): Promise<TokenWatch> {
    if (typeof onEnd !== 'function') {
      return Promise.reject(new IronSecretsError('INVALID_ARGUMENT', 'watchToken needs an onEnd function'));
    }
    return translated(() => this.#tokenWatcher.watch(id, onEnd));
  }

  /**
   * Re-encrypts every secret under a new master key in one transaction (R8) and continues with
   * it; the old key is refused from then on (MASTER_KEY_MISMATCH), in every process. The audit
   * chain still verifies. Unscoped admins only.
   *
   * @example
   * ```ts
   * const { reencrypted } = await manager.rotateMasterKey(newKeyBase64, {
   *   onProgress: (done, total) => process.stderr.write(`${done}/${total}\r`),
   * });
   * ```
   */
  async rotateMasterKey(
    newMasterKey: string | Uint8Array,
    options?: RotateMasterKeyOptions,
  ): Promise<{ reencrypted: number }> {
    const key = masterKeyFrom(newMasterKey, 'the new master key');
    const before = this.#rotations;
    let finished!: () => void;
    this.#rotations = new Promise<void>((resolve) => {
      finished = resolve;
    });
    try {
      await before;
      return await this.#run(async (context) => {
        const { reencrypted } = await rotateMasterKey(context, key, options, (commit) =>
          // The commit and the swap happen while no other operation is inside, so none keeps
          // using (or appends audit entries under) the keys the rotation replaces.
          this.#gate.alone(async () => {
            const next = await commit();
            this.#context = next;
            retireContext(context);
          }),
        );
        return { reencrypted };
      });
    } catch (error) {
      wipe(key); // no-op once the new context owns it: a failed rotation is the only way here
      throw error;
    } finally {
      finished();
    }
  }

  /**
   * Closes the database and wipes the master key and every derived key from memory.
   *
   * @example
   * ```ts
   * await manager.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#gate.closed) return;
    // Streams held open by a token end now rather than at their next re-check.
    this.#tokenWatcher.endAll();
    // New operations are refused from here; the keys are wiped only once the running ones are
    // done, so none of them hashes, signs or encrypts with a zeroed key.
    await this.#gate.close();
    retireContext(this.#context);
    await this.#context.storage.close();
  }

  /** Nothing of the manager's state (keys) is shown when it is logged. */
  [inspect.custom](): string {
    return `SecretsManager { database: '${this.#context.storage.location}', open: ${this.isInitialized()} }`;
  }

  toJSON(): { database: string; open: boolean } {
    return { database: this.#context.storage.location, open: this.isInitialized() };
  }

  /** Runs one operation inside the gate, on the context current when it entered. */
  async #run<T>(operation: (context: ManagerContext) => Promise<T>): Promise<T> {
    await this.#gate.enter();
    try {
      return await translated(() => operation(this.#context));
    } finally {
      this.#gate.leave();
    }
  }
}

function positive(value: number, field: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new IronSecretsError('INVALID_ARGUMENT', `${field} must be a whole number, at least ${min}`);
  }
  return value;
}
