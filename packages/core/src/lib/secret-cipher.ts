/**
 * @module secret-cipher
 * Sealing and opening secret values: Argon2id per-secret keys (FR-3, R5), AES-256-GCM bound to
 * the row (FR-2, R4), and the derived-key cache of a long-running process.
 */
import {
  DEFAULT_KDF_PARAMS,
  DerivedKeyCache,
  decrypt,
  encrypt,
  type KdfParams,
  randomSalt,
  wipe,
} from '@iron/secrets-crypto';
import type { SecretRow, SecretUpdate, StoredKdfParams } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import { unwrapKey, wrapKey } from './key-wrap.js';
import { translated } from './translate-error.js';

/**
 * Every column of a row that is not the ciphertext's own material: what a ciphertext is bound to.
 * A copy moved to another row, name or environment fails (R4), and so does a row whose times,
 * version, expiry or rotation interval were edited: an expired secret cannot be made to look
 * valid, nor a due rotation postponed, behind our back.
 */
export type SealedFields = Pick<
  SecretRow,
  'id' | 'environment' | 'name' | 'createdAt' | 'updatedAt' | 'version' | 'expiresAt' | 'rotateEverySeconds'
>;

const AAD_LABEL = 'iron-secrets/secret/v2';
/** Rows written before the metadata was bound carry only their identity (see {@link SecretCipher.open}). */
const IDENTITY_AAD_LABEL = 'iron-secrets/secret/v1';

/**
 * The additional authenticated data of a secret: a label and the row's fields joined by NUL,
 * which none of them can contain (names and environments are checked; numbers print without
 * one), so no two rows encode alike. A missing expiry or interval is the empty string, which no
 * number prints as.
 */
export function secretAad(row: SealedFields): Uint8Array {
  const fields = [
    AAD_LABEL,
    row.id,
    row.environment,
    row.name,
    row.createdAt,
    row.updatedAt,
    row.version,
    row.expiresAt ?? '',
    row.rotateEverySeconds ?? '',
  ];
  return Buffer.from(fields.join('\0'), 'utf8');
}

function identityAad(row: SealedFields): Uint8Array {
  return Buffer.from([IDENTITY_AAD_LABEL, row.id, row.environment, row.name].join('\0'), 'utf8');
}

/**
 * The fields a row will have once storage applies `update` to it (the version goes up by one;
 * an expiry or interval the update leaves out is kept): what a new value is sealed against.
 */
export function fieldsAfterUpdate(
  row: SealedFields,
  update: Pick<SecretUpdate, 'updatedAt' | 'expiresAt' | 'rotateEverySeconds'>,
): SealedFields {
  return {
    id: row.id,
    environment: row.environment,
    name: row.name,
    createdAt: row.createdAt,
    updatedAt: update.updatedAt,
    version: row.version + 1,
    expiresAt: update.expiresAt === undefined ? row.expiresAt : update.expiresAt,
    rotateEverySeconds:
      update.rotateEverySeconds === undefined ? row.rotateEverySeconds : update.rotateEverySeconds,
  };
}

/** The parameters new rows are written with. */
export const CURRENT_KDF: StoredKdfParams = Object.freeze({
  algorithm: DEFAULT_KDF_PARAMS.algorithm,
  version: DEFAULT_KDF_PARAMS.version,
  memoryKiB: DEFAULT_KDF_PARAMS.memoryKiB,
  iterations: DEFAULT_KDF_PARAMS.iterations,
  parallelism: DEFAULT_KDF_PARAMS.parallelism,
});

/** Whether a row's key was derived with the parameters new rows use. */
export function isCurrentKdf(kdf: StoredKdfParams): boolean {
  return (
    kdf.algorithm === CURRENT_KDF.algorithm &&
    kdf.version === CURRENT_KDF.version &&
    kdf.memoryKiB === CURRENT_KDF.memoryKiB &&
    kdf.iterations === CURRENT_KDF.iterations &&
    kdf.parallelism === CURRENT_KDF.parallelism
  );
}

/**
 * The salt to seal a row's new value with: an existing row keeps its salt (so its cached key still
 * serves) while its KDF parameters are current; a new row, or one written under older parameters,
 * gets a fresh salt (and so today's parameters, R5).
 */
export function saltFor(
  existing: { readonly salt: Uint8Array; readonly kdf: StoredKdfParams } | undefined,
): Uint8Array {
  return existing !== undefined && isCurrentKdf(existing.kdf) ? existing.salt : randomSalt();
}

/** Stored parameters as the KDF takes them; parameters naming another algorithm cannot be used. */
export function kdfParams(kdf: StoredKdfParams): KdfParams {
  if (kdf.algorithm !== 'argon2id' || kdf.version !== DEFAULT_KDF_PARAMS.version) {
    throw new IronSecretsError(
      'KEY_DERIVATION_FAILED',
      `the secret's key was derived with ${kdf.algorithm} version ${kdf.version}, which this version does not support`,
    );
  }
  return {
    ...DEFAULT_KDF_PARAMS,
    memoryKiB: kdf.memoryKiB,
    iterations: kdf.iterations,
    parallelism: kdf.parallelism,
  };
}

/** Seals and opens values under one master key. Owns a copy of the key; `close()` wipes it. */
export class SecretCipher {
  readonly #masterKey: Uint8Array;
  readonly #cache: DerivedKeyCache;
  readonly #cacheSize: number;

  constructor(masterKey: Uint8Array, cacheSize: number) {
    this.#masterKey = masterKey;
    this.#cacheSize = cacheSize;
    this.#cache = new DerivedKeyCache({ maxEntries: cacheSize });
  }

  /** A cipher like this one under another master key (which it then owns): master-key rotation. */
  withMasterKey(masterKey: Uint8Array): SecretCipher {
    return new SecretCipher(masterKey, this.#cacheSize);
  }

  /** Encrypts `value` for a row that will have exactly `fields`, with the key of `salt`. */
  async seal(
    value: string,
    fields: SealedFields,
    salt: Uint8Array,
    kdf: StoredKdfParams,
  ): Promise<{ encryptedBlob: Uint8Array; nonce: Uint8Array }> {
    const plaintext = Buffer.from(value, 'utf8');
    try {
      const sealed = await translated(() =>
        this.#cache.withKey(this.#masterKey, salt, kdfParams(kdf), (key) =>
          encrypt(plaintext, key, secretAad(fields)),
        ),
      );
      return { encryptedBlob: sealed.ciphertext, nonce: sealed.nonce };
    } finally {
      wipe(plaintext);
    }
  }

  /**
   * Decrypts a row's value; throws IronSecretsError DECRYPTION_FAILED if the key is wrong or
   * any column of the row was tampered with.
   *
   * A row written before its metadata was bound (identity-only AAD) still opens, until its next
   * write or a master-key rotation re-seals it; its metadata is then unprotected, as it was. A
   * row sealed with its metadata can never open that way: its tag covers the full AAD.
   */
  async open(row: SecretRow): Promise<string> {
    const plaintext = await translated(() =>
      this.#cache.withKey(this.#masterKey, row.salt, kdfParams(row.kdf), (key) => {
        try {
          return decrypt(row.encryptedBlob, key, row.nonce, secretAad(row));
        } catch (error) {
          try {
            return decrypt(row.encryptedBlob, key, row.nonce, identityAad(row));
          } catch {
            throw error;
          }
        }
      }),
    );
    try {
      return Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).toString('utf8');
    } finally {
      wipe(plaintext);
    }
  }

  /** Encrypts a key for the slot `label` under this cipher's master key (see key-wrap.ts). */
  wrapKey(key: Uint8Array, label: string): Promise<string> {
    return wrapKey(this.#masterKey, key, label);
  }

  /** Decrypts a key wrapped by {@link wrapKey} for the slot `label`; throws when it does not open. */
  unwrapKey(stored: string, label: string): Promise<Uint8Array> {
    return unwrapKey(this.#masterKey, stored, label);
  }

  /** Wipes every cached key and the master key. */
  close(): void {
    this.#cache.clear();
    wipe(this.#masterKey);
  }
}
