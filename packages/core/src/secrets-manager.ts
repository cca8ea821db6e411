/**
 * @module secrets-manager
 * The library's entry point: a handle on one database and one master key.
 */
import { inspect } from 'node:util';
import { DEFAULT_RETENTION_DAYS } from '@iron/secrets-audit';
import { fingerprintsEqual, masterKeyFingerprint, wipe } from '@iron/secrets-crypto';
import { openStorage, type Storage } from '@iron/secrets-storage';
import { IronSecretsError } from './errors.js';
import { AUDIT_CHAIN_KEY_SETTING, newAuditChainKey, unwrapAuditChainKey } from './lib/audit-chain-key.js';
import type { ManagerContext } from './lib/context.js';
import { SecretCipher } from './lib/secret-cipher.js';
import { translated } from './lib/translate-error.js';
import { DEFAULT_MAX_VALUE_BYTES } from './limits.js';
import { masterKeyFrom, masterKeyFromEnvironment } from './master-key-source.js';
import { type AuditEntry, type AuditLogQuery, auditLog } from './operations/audit-log.js';
import { changeSequence, changesSince, type SecretChangeEvent } from './operations/changes.js';
import { type CreateSecretOptions, createSecret } from './operations/create-secret.js';
import { type DeleteSecretOptions, deleteSecret } from './operations/delete-secret.js';
import { type GetSecretOptions, getSecret } from './operations/get-secret.js';
import { type ListSecretsOptions, listSecrets } from './operations/list-secrets.js';
import { type PruneAuditLogOptions, pruneAuditLog } from './operations/prune-audit-log.js';
import { type UpdateSecretOptions, updateSecret } from './operations/update-secret.js';
import { type AuditVerification, verifyAuditLog } from './operations/verify-audit-log.js';
import type { RequesterInput } from './requester-input.js';
import type { SecretMetadata } from './secret-metadata.js';

/** The settings row holding the master key's fingerprint (never the key; R6). */
const FINGERPRINT_SETTING = 'master_key_fingerprint';

/** Derived keys kept by default: enough for every secret of a large installation. */
const DEFAULT_KEY_CACHE_SIZE = 1024;

/** Options of {@link SecretsManager.open}. */
export interface OpenOptions {
  /** A SQLite file path (created if missing) or `':memory:'`. */
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
  readonly #context: ManagerContext;
  #open = true;

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
        openStorage(
          options.database,
          options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs },
        ),
      );
      const auditChainKey = await translated(() => bindMasterKey(storage!, masterKey));
      return new SecretsManager({
        storage,
        cipher: new SecretCipher(masterKey, keyCacheSize),
        auditChainKey,
        maxValueBytes,
        retentionDays,
        now: () => Math.floor(clock().getTime() / 1000),
      });
    } catch (error) {
      wipe(masterKey);
      await storage?.close();
      throw error;
    }
  }

  /** FR-1: true once the database is open under a verified master key, until `close()`. */
  isInitialized(): boolean {
    return this.#open;
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
   * FR-5.3: replaces a secret's value atomically (a rotation).
   *
   * @example
   * ```ts
   * await manager.updateSecret('OPENAI_API_KEY', 'sk-proj-NEW-abc123', { environment: 'production' });
   * ```
   */
  updateSecret(name: string, newValue: string, options?: UpdateSecretOptions): Promise<void> {
    return this.#run((context) => updateSecret(context, name, newValue, options));
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
   * FR-8.4: audit entries, oldest first.
   *
   * @example
   * ```ts
   * const reads = await manager.auditLog({ secretName: 'OPENAI_API_KEY', since: new Date(Date.now() - 86_400_000) });
   * ```
   */
  auditLog(query?: AuditLogQuery): Promise<AuditEntry[]> {
    return this.#run((context) => auditLog(context, query));
  }

  /**
   * R3: checks the whole audit hash chain; reports the first entry edited, inserted or removed.
   *
   * @example
   * ```ts
   * const { ok, entries, firstBadId } = await manager.verifyAuditLog();
   * ```
   */
  verifyAuditLog(options?: { requester?: RequesterInput }): Promise<AuditVerification> {
    return this.#run((context) => verifyAuditLog(context, options));
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
   * Closes the database and wipes the master key and every derived key from memory.
   *
   * @example
   * ```ts
   * await manager.close();
   * ```
   */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#context.cipher.close();
    wipe(this.#context.auditChainKey);
    await this.#context.storage.close();
  }

  /** Nothing of the manager's state (keys) is shown when it is logged. */
  [inspect.custom](): string {
    return `SecretsManager { database: '${this.#context.storage.location}', open: ${this.#open} }`;
  }

  toJSON(): { database: string; open: boolean } {
    return { database: this.#context.storage.location, open: this.#open };
  }

  async #run<T>(operation: (context: ManagerContext) => Promise<T>): Promise<T> {
    if (!this.#open)
      throw new IronSecretsError('MANAGER_CLOSED', 'this SecretsManager was closed; open a new one');
    return translated(() => operation(this.#context));
  }
}

/**
 * Ties the database to the master key on first use, and checks it on every later one (R6).
 * Returns the audit-chain key. The slow key derivations happen outside the write transaction.
 */
async function bindMasterKey(storage: Storage, masterKey: Uint8Array): Promise<Uint8Array> {
  const fingerprint = masterKeyFingerprint(masterKey);
  const read = () =>
    storage.transaction(
      async (tx) => ({
        fingerprint: await tx.meta.get(FINGERPRINT_SETTING),
        wrappedKey: await tx.meta.get(AUDIT_CHAIN_KEY_SETTING),
      }),
      { readOnly: true },
    );
  let stored = await read();
  if (stored.fingerprint === undefined) {
    // Counted only here, not on every open: counting a long audit log is a full scan.
    const inUse = await storage.transaction(
      async (tx) => (await tx.secrets.count()) > 0 || (await tx.audit.count()) > 0,
      { readOnly: true },
    );
    if (inUse) {
      throw new IronSecretsError(
        'INTEGRITY_VIOLATION',
        'the database holds secrets but no master-key fingerprint: its settings were tampered with; restore it from a backup',
      );
    }
    const fresh = await newAuditChainKey(masterKey);
    const won = await storage.transaction(async (tx) => {
      if ((await tx.meta.get(FINGERPRINT_SETTING)) !== undefined) return false; // another process was first
      await tx.meta.set(FINGERPRINT_SETTING, fingerprint);
      await tx.meta.set(AUDIT_CHAIN_KEY_SETTING, fresh.wrapped);
      return true;
    });
    if (won) return fresh.key;
    wipe(fresh.key);
    stored = await read();
  }
  if (!fingerprintsEqual(stored.fingerprint!, fingerprint)) {
    throw new IronSecretsError(
      'MASTER_KEY_MISMATCH',
      'this database was initialised with a different master key; set IRON_CAGE_MASTER_KEY to the key it was created with',
    );
  }
  if (stored.wrappedKey === undefined) {
    throw new IronSecretsError(
      'INTEGRITY_VIOLATION',
      'the database has no audit-chain key although it has a master-key fingerprint: its settings were tampered with',
    );
  }
  return unwrapAuditChainKey(masterKey, stored.wrappedKey);
}

function positive(value: number, field: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new IronSecretsError('INVALID_ARGUMENT', `${field} must be a whole number, at least ${min}`);
  }
  return value;
}
