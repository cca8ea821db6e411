/**
 * @module rows
 * The shapes that cross the storage boundary. Storage sees ciphertext, nonces, salts and
 * metadata; never a plaintext value and never a key.
 */

/** Argon2id parameters a row's key was derived with (RULINGS R5: stored per row). */
export interface StoredKdfParams {
  readonly algorithm: string;
  readonly version: number;
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/** A row of the `secrets` table. Times are unix seconds. */
export interface SecretRow {
  readonly id: string;
  readonly name: string;
  readonly environment: string;
  /** AES-256-GCM ciphertext followed by its 16-byte tag. */
  readonly encryptedBlob: Uint8Array;
  readonly nonce: Uint8Array;
  readonly salt: Uint8Array;
  readonly kdf: StoredKdfParams;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Incremented by every update: optimistic concurrency and change detection. */
  readonly version: number;
  /** When the value stops being valid, if it has an expiry. */
  readonly expiresAt: number | null;
  /** How often the value should be rotated, in seconds, if it has a rotation interval. */
  readonly rotateEverySeconds: number | null;
}

/** What an update changes: a new ciphertext and, optionally, new rotation settings. */
export interface SecretUpdate {
  readonly encryptedBlob: Uint8Array;
  readonly nonce: Uint8Array;
  readonly salt: Uint8Array;
  readonly kdf: StoredKdfParams;
  readonly updatedAt: number;
  readonly expiresAt?: number | null;
  readonly rotateEverySeconds?: number | null;
}

/** An audit entry as written: the fields of FR-8.2 plus environment, identity and the chain. */
export interface AuditRow {
  readonly timestamp: number;
  readonly operation: 'CREATE' | 'READ' | 'UPDATE' | 'DELETE';
  readonly secretName: string;
  readonly environment: string | null;
  readonly requesterRole: 'admin' | 'viewer' | 'agent';
  readonly agentId: string | null;
  readonly requesterId: string | null;
  readonly success: boolean;
  readonly errorMessage: string | null;
  readonly prevHash: string;
  readonly hash: string;
  /** The secret's version the entry wrote, deleted or read; null when none (or before 0.3). */
  readonly secretVersion: number | null;
  /** The entry's public SHA-256 chain digest; null in entries written before 0.3. */
  readonly digest: string | null;
  /** What a READ handed out; null for other operations and in entries written before 0.3.1. */
  readonly disclosure: 'value' | 'masked' | 'none' | null;
}

/** An audit entry as read back, with its position in the log. */
export interface StoredAuditRow extends AuditRow {
  readonly id: number;
}

/** Filters for reading the audit log; results are oldest first. */
export interface AuditQuery {
  readonly secretName?: string | undefined;
  readonly environment?: string | undefined;
  /** Only entries at or after this unix time (seconds). */
  readonly since?: number | undefined;
  /** Only entries strictly before this unix time (seconds). */
  readonly until?: number | undefined;
  /** Only entries after this id: for paging through a long log. */
  readonly afterId?: number | undefined;
  /** Only entries before this id: for paging back from the newest. */
  readonly beforeId?: number | undefined;
  readonly operation?: AuditRow['operation'] | undefined;
  readonly requesterRole?: AuditRow['requesterRole'] | undefined;
  /** Only entries of this requester: its token id, user name (requester_id) or agent id. */
  readonly requester?: string | undefined;
  /** Only successful (true) or failed (false) operations. */
  readonly success?: boolean | undefined;
  readonly disclosure?: (AuditRow['disclosure'] & string) | undefined;
  /** Only entries in one of these environments (none without an environment); undefined: all. */
  readonly environments?: readonly string[] | undefined;
  /**
   * Only entries about a secret whose name matches one of these patterns (`*` standing for any
   * run of name characters, as in a token's scope); entries about no secret (`token:<id>`,
   * `master-key`, `*`) are left out. Undefined: all entries.
   */
  readonly namePatterns?: readonly string[] | undefined;
  /** At most this many entries: the oldest that match, or the newest with `latest`. */
  readonly limit?: number | undefined;
  /** Take the newest `limit` entries instead of the oldest (still returned oldest first). */
  readonly latest?: boolean | undefined;
}

/** Where the remaining audit chain starts after retention pruned its beginning. */
export interface AuditAnchorRow {
  readonly throughId: number;
  readonly hash: string;
}

/** A pruning anchor with its bookkeeping, as copied between databases. */
export interface AnchorRecord extends AuditAnchorRow {
  readonly prunedCount: number;
  readonly prunedAt: number;
}

/** What a change to a secret was, for the change feed (never the value). */
export interface SecretChange {
  readonly seq: number;
  readonly kind: 'created' | 'updated' | 'deleted';
  readonly name: string;
  readonly environment: string;
  readonly changedAt: number;
}

/** A row of the `access_tokens` table: never the token, only its hash. Times are unix seconds. */
export interface AccessTokenRow {
  readonly id: string;
  /** SHA-256 of the token, hex. */
  readonly tokenHash: string;
  readonly role: 'admin' | 'viewer' | 'agent';
  readonly agentId: string | null;
  /** The environments it reaches; `null` for all. */
  readonly environments: readonly string[] | null;
  /** The secret-name patterns it reaches; `null` for all. */
  readonly secretPatterns: readonly string[] | null;
  readonly createdAt: number;
  /** Who created it (an operator's name or a token id). */
  readonly createdBy: string | null;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  /**
   * HMAC-SHA256 (hex) of the other fields under the installation's audit-chain key: a row
   * written or edited without the master key does not verify. Null only for rows written before
   * migration 004, which are refused.
   */
  readonly mac: string | null;
}
