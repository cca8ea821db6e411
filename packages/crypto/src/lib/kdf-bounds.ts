/**
 * @module kdf-bounds
 * The checks every input of an Argon2id derivation passes before any memory is allocated.
 *
 * KDF parameters come from the database (RULINGS R5 stores them per row), so they are untrusted
 * input: whoever can write one row could otherwise make every process that reads it allocate
 * gigabytes (m), spin for hours (t) or start thousands of lanes (p). Each bound below names the
 * attack it stops. Values outside them are refused with `KEY_DERIVATION_FAILED` and never reach
 * Argon2.
 */
import { CryptoError } from '../crypto-error.js';
import type { KdfParams } from '../kdf-params.js';
import { KEY_BYTES, SALT_BYTES } from '../sizes.js';
import { isBytes } from './bytes.js';

/** The only Argon2 version accepted: 1.3 (0x13 = 19); 1.0 has a known weakness in its mixing. */
export const ARGON2_VERSION = 0x13;

/**
 * Argon2's own floor (RFC 9106 section 3.1): at least 8 KiB per lane. Below it the
 * implementations disagree (one rejects, another rounds up), so bytes would not be identical.
 */
export const MIN_MEMORY_KIB_PER_LANE = 8;

/**
 * 1 GiB. Stops a hostile row from making us allocate unbounded memory: about 50 times FR-3's 19 MiB,
 * still far above any cost this project will raise to, and within what the WebAssembly
 * implementation can address (wasm32 memory ends at 4 GiB) so both implementations stay usable.
 */
export const MAX_MEMORY_KIB = 1024 * 1024;

/** At least one pass: Argon2 is undefined for zero. */
export const MIN_ITERATIONS = 1;

/**
 * 64 passes. Stops a hostile row from making one derivation run for hours (a CPU denial of
 * service): 32 times FR-3's 2, beyond any cost recommendation (RFC 9106 and OWASP use 1 to 5).
 */
export const MAX_ITERATIONS = 64;

/** At least one lane. */
export const MIN_PARALLELISM = 1;

/**
 * 255 lanes, the limit of `@node-rs/argon2`. Argon2 allows 2^24 - 1, but a row with that many
 * lanes would only serve to exhaust threads and memory.
 */
export const MAX_PARALLELISM = 255;

function fail(message: string): never {
  throw new CryptoError('KEY_DERIVATION_FAILED', message);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

/**
 * Checks `params` (possibly read from an untrusted row) field by field. Every field is checked
 * for its type too: a row decoded from JSON may hold strings, `null` or fractions.
 *
 * @throws {CryptoError} `KEY_DERIVATION_FAILED` naming the field and its allowed range.
 *
 * @example
 * ```ts
 * assertKdfParams(JSON.parse(row.kdf_params)); // throws for { memoryKiB: 8388608, ... }
 * ```
 */
export function assertKdfParams(params: unknown): asserts params is KdfParams {
  if (typeof params !== 'object' || params === null) {
    fail('the KDF parameters must be an object');
  }
  const { algorithm, version, memoryKiB, iterations, parallelism, keyLength } = params as Record<
    keyof KdfParams,
    unknown
  >;
  // Argon2i and Argon2d have different trade-offs (side channels, TMTO); only Argon2id is specified.
  if (algorithm !== 'argon2id') {
    fail("the KDF algorithm must be 'argon2id'");
  }
  if (version !== ARGON2_VERSION) {
    fail(`the Argon2 version must be ${ARGON2_VERSION} (0x13)`);
  }
  if (!isIntegerIn(parallelism, MIN_PARALLELISM, MAX_PARALLELISM)) {
    fail(`parallelism must be an integer from ${MIN_PARALLELISM} to ${MAX_PARALLELISM}`);
  }
  const minMemoryKiB = MIN_MEMORY_KIB_PER_LANE * parallelism;
  if (!isIntegerIn(memoryKiB, minMemoryKiB, MAX_MEMORY_KIB)) {
    fail(`memoryKiB must be an integer from ${minMemoryKiB} (8 per lane) to ${MAX_MEMORY_KIB} (1 GiB)`);
  }
  if (!isIntegerIn(iterations, MIN_ITERATIONS, MAX_ITERATIONS)) {
    fail(`iterations must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`);
  }
  // The output is an AES-256 key; any other length is a key the cipher would refuse later.
  if (keyLength !== KEY_BYTES) {
    fail(`keyLength must be ${KEY_BYTES}`);
  }
}

/**
 * Checks the master key and the salt of a derivation.
 *
 * @throws {CryptoError} `KEY_DERIVATION_FAILED` stating the expected and the received length.
 *
 * @example
 * ```ts
 * assertDerivationInputs(masterKey, row.salt); // throws for a 15-byte salt
 * ```
 */
export function assertDerivationInputs(masterKey: unknown, salt: unknown): void {
  // A shorter password would mean a weaker master key slipped past parsing (RULINGS R6: 32 bytes).
  if (!isBytes(masterKey) || masterKey.length !== KEY_BYTES) {
    fail(
      `the master key must be ${KEY_BYTES} bytes (got ${isBytes(masterKey) ? `${masterKey.length} bytes` : typeof masterKey})`,
    );
  }
  // Each secret has its own 16 random bytes (RULINGS R5); a short or shared salt would let two
  // secrets share a key.
  if (!isBytes(salt) || salt.length !== SALT_BYTES) {
    fail(
      `the salt must be ${SALT_BYTES} bytes (got ${isBytes(salt) ? `${salt.length} bytes` : typeof salt})`,
    );
  }
}
