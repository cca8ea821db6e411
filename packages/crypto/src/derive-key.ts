/**
 * @module derive-key
 * Per-secret keys: Argon2id of the master key and the secret's salt (FR-3, RULINGS R5).
 *
 * Order of operations, so that no untrusted input reaches Argon2 unchecked:
 * 1. the master key is 32 bytes and the salt 16 bytes;
 * 2. the parameters (which come from the row) are within the bounds of `lib/kdf-bounds.ts`;
 * 3. only then is the implementation loaded and the key derived.
 */
import { CryptoError } from './crypto-error.js';
import { DEFAULT_KDF_PARAMS, type KdfParams } from './kdf-params.js';
import { type Argon2ImplementationName, argon2Backend } from './lib/argon2-backend.js';
import { assertDerivationInputs, assertKdfParams } from './lib/kdf-bounds.js';

/**
 * Derives the 32-byte key of one secret from the master key and that secret's salt.
 *
 * The same inputs always give the same bytes, whichever implementation runs (both are checked
 * against the reference implementation's vectors). The derivation runs off the event loop. The
 * returned buffer is the caller's: wipe it when done (or use {@link DerivedKeyCache}).
 *
 * @param masterKey The 32 decoded master-key bytes (see {@link parseMasterKey}).
 * @param salt The secret's 16 random bytes (see {@link randomSalt}).
 * @param params The parameters stored with the row; defaults to {@link DEFAULT_KDF_PARAMS}.
 * @throws {CryptoError} `KEY_DERIVATION_FAILED` if an input is the wrong size, a parameter is out
 *   of bounds (a hostile row cannot make us allocate unbounded memory), or Argon2 fails.
 *
 * @example
 * ```ts
 * const salt = randomSalt();
 * const key = await deriveKey(masterKey, salt); // store salt and DEFAULT_KDF_PARAMS with the row
 * const sealed = encrypt(plaintext, key, aad);
 * wipe(key);
 * ```
 */
export async function deriveKey(
  masterKey: Uint8Array,
  salt: Uint8Array,
  params: KdfParams = DEFAULT_KDF_PARAMS,
): Promise<Uint8Array> {
  assertDerivationInputs(masterKey, salt);
  assertKdfParams(params);
  const backend = await argon2Backend();
  try {
    return await backend.derive(masterKey, salt, params);
  } catch (cause) {
    if (cause instanceof CryptoError) {
      throw cause;
    }
    throw new CryptoError('KEY_DERIVATION_FAILED', `Argon2id (${backend.name}) failed`, { cause });
  }
}

/**
 * Which Argon2id implementation {@link deriveKey} uses in this process: `@node-rs/argon2` if its
 * native binary loads, else `hash-wasm` in worker threads. Loads it if not yet loaded.
 *
 * @example
 * ```ts
 * console.log(`Argon2id: ${await argon2Implementation()}`); // "Argon2id: @node-rs/argon2"
 * ```
 */
export async function argon2Implementation(): Promise<Argon2ImplementationName> {
  return (await argon2Backend()).name;
}
