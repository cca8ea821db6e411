/**
 * @module storage
 * The one asynchronous storage interface, implemented by SQLite (embedded) and PostgreSQL
 * (production). It is shaped for a networked database: every call returns a promise, and
 * everything that must happen together happens inside {@link Storage.transaction}.
 */
import type {
  AccessTokenRow,
  AnchorRecord,
  AuditAnchorRow,
  AuditQuery,
  AuditRow,
  SecretChange,
  SecretRow,
  SecretUpdate,
  StoredAuditRow,
} from './rows.js';

/** The `secrets` table. */
export interface SecretsTable {
  /** Inserts a row; `'exists'` when `(environment, name)` is taken (R1), and nothing changes. */
  insert(row: SecretRow): Promise<'inserted' | 'exists'>;
  find(environment: string, name: string): Promise<SecretRow | undefined>;
  /** Every row with this name, in the given environments (all when absent), by environment. */
  findByName(name: string, environments?: readonly string[]): Promise<SecretRow[]>;
  /** Every row of one environment, by name. */
  list(environment: string): Promise<SecretRow[]>;
  /** Every row of every environment, by environment and name (master-key rotation). */
  listAll(): Promise<SecretRow[]>;
  /**
   * Replaces a row's ciphertext if it is still at `expectedVersion`; false when it was changed
   * or deleted meanwhile (the caller re-reads and retries).
   */
  update(id: string, expectedVersion: number, update: SecretUpdate): Promise<boolean>;
  /** Deletes a row; false when it was already gone. */
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
}

/** The append-only `secret_audit_log` table. */
export interface AuditTable {
  /** The hash the next entry must link to: the last entry's, else the pruning anchor's. */
  chainHead(): Promise<string | undefined>;
  /**
   * Appends entries in order, in one call: a listing audits every secret it hands out, and on a
   * networked database one round trip beats one per entry. Returns the id of the last one (0 when
   * there were none).
   */
  append(entries: readonly AuditRow[]): Promise<number>;
  /** The entry `prune(cutoff)` would remove last, if any: the pruned chain's anchor. */
  lastPrunable(cutoff: number): Promise<StoredAuditRow | undefined>;
  /** Entries matching `query`, oldest first. */
  query(query?: AuditQuery): Promise<StoredAuditRow[]>;
  /** Where the chain starts after pruning, if it was ever pruned. */
  anchor(): Promise<AuditAnchorRow | undefined>;
  /**
   * Removes every entry older than `cutoff` (unix seconds), as a prefix of the log, and records
   * the last removed entry's hash as the new anchor so that the rest still verifies.
   * Returns how many entries were removed.
   */
  prune(cutoff: number, prunedAt: number): Promise<number>;
  count(): Promise<number>;
}

/** Small key-value settings of the installation (master-key fingerprint, wrapped keys). */
export interface MetaTable {
  get(key: string): Promise<string | undefined>;
  /** Sets a value; refuses to replace an existing one unless `replace` is true. */
  set(key: string, value: string, options?: { replace?: boolean }): Promise<void>;
  /** Every setting, by key (copying an installation). */
  entries(): Promise<[key: string, value: string][]>;
}

/** The change feed: one row per create, update and delete, in commit order. */
export interface ChangeFeed {
  record(change: Omit<SecretChange, 'seq'>): Promise<number>;
  /** Changes after `seq`, oldest first, at most `limit`. */
  since(seq: number, limit?: number): Promise<SecretChange[]>;
  /** The sequence number of the latest change, 0 when none: cheap enough to poll. */
  latest(): Promise<number>;
  /**
   * Wakes every watcher, here and on every other instance, when this transaction commits,
   * without recording a change: a token revocation, so that streams opened with the token end
   * at once. PostgreSQL NOTIFYs; SQLite's watchers poll the audit head, which the revocation's
   * audit entry moves, so there it does nothing.
   */
  announce(): Promise<void>;
}

/** The `access_tokens` table: tokens are added and revoked, never changed or deleted. */
export interface AccessTokensTable {
  insert(row: AccessTokenRow): Promise<void>;
  find(id: string): Promise<AccessTokenRow | undefined>;
  /** Every token, oldest first. */
  list(): Promise<AccessTokenRow[]>;
  /**
   * Marks a token revoked, with the MAC of its revoked row; false when there is no such token or
   * it was already revoked.
   */
  revoke(id: string, revokedAt: number, mac: string | null): Promise<boolean>;
  /** Replaces a token row's MAC (a master-key rotation re-keys every row); false when there is no such token. */
  setMac(id: string, mac: string): Promise<boolean>;
}

/**
 * Loading rows verbatim, ids and sequence numbers kept, into an empty database: how
 * `copyStorage` moves an installation without breaking its audit chain. Nothing else uses it.
 */
export interface RestoreTables {
  /** Every pruning anchor, oldest first (reading the source). */
  anchors(): Promise<AnchorRecord[]>;
  auditEntries(entries: readonly StoredAuditRow[]): Promise<void>;
  anchor(anchor: AnchorRecord): Promise<void>;
  change(change: SecretChange): Promise<void>;
  /** After loading: the next id and sequence number follow the loaded ones. */
  finish(): Promise<void>;
}

/** What a transaction can touch. Valid only until the transaction's function settles. */
export interface Transaction {
  readonly secrets: SecretsTable;
  readonly audit: AuditTable;
  readonly meta: MetaTable;
  readonly changes: ChangeFeed;
  readonly tokens: AccessTokensTable;
  readonly restore: RestoreTables;
}

/** Options of {@link Storage.transaction}. */
export interface TransactionOptions {
  /** A read-only transaction takes no write lock. Writing inside one fails. */
  readonly readOnly?: boolean;
}

/** A migration that has been applied, or would be. */
export interface MigrationStatus {
  readonly version: number;
  readonly name: string;
}

/**
 * Called when the change feed moved: `latest` is a sequence number at least as new as the newest
 * change. It may repeat, or skip numbers: a listener re-reads the feed from what it last saw.
 * It is also called, with the same number, for an announcement ({@link ChangeFeed.announce}) and,
 * on SQLite, whenever an audit entry was appended: a watcher of the audit log or of a token's
 * standing wakes up too.
 */
export type ChangeListener = (latest: number) => void;

/** A subscription to the change feed; `close()` ends it. */
export interface ChangeSubscription {
  close(): Promise<void>;
}

/** An opened database. */
export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  /** A printable description of where the data is (a path, or a URL without its password). */
  readonly location: string;
  /** The migrations this open applied (empty when the schema was already current). */
  readonly migratedNow: readonly MigrationStatus[];
  /**
   * Runs `work` in one transaction: it commits when `work` resolves and rolls back when it
   * rejects. Writing transactions never interleave, on one Storage or (PostgreSQL) across every
   * instance on the database; read-only ones may run alongside. Keep slow non-database work (key
   * derivation) outside: other transactions wait for this one. On PostgreSQL `work` may run again
   * when the database aborted the attempt (a serialization failure, a dropped connection before
   * commit), so it must have no effect outside `tx`.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** The migrations applied to this database, oldest first. */
  appliedMigrations(): Promise<MigrationStatus[]>;
  /**
   * Tells `listener` when the change feed moves, whoever changed it: another process on the same
   * SQLite file (polled), another instance on the same PostgreSQL database (LISTEN/NOTIFY).
   */
  watchChanges(listener: ChangeListener): Promise<ChangeSubscription>;
  close(): Promise<void>;
}
