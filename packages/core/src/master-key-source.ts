/**
 * @module master-key-source
 * Where the master key comes from (FR-1, RULINGS R6): `IRON_CAGE_MASTER_KEY`, or a file named by
 * `IRON_CAGE_MASTER_KEY_FILE` (as containers and systemd credentials provide).
 */
import { CryptoError, parseMasterKey } from '@iron/secrets-crypto';
import { IronSecretsError } from './errors.js';
import { readMasterKeyFile } from './lib/master-key-file.js';

/** The variable holding base64 of the 32-byte master key (FR-1.1). */
export const MASTER_KEY_VARIABLE = 'IRON_CAGE_MASTER_KEY';
/** The variable naming a file that holds it (R6). */
export const MASTER_KEY_FILE_VARIABLE = 'IRON_CAGE_MASTER_KEY_FILE';

const HOW_TO_MAKE_ONE =
  'generate one with `openssl rand -base64 32` (or `iron-secrets keygen`) and export it as IRON_CAGE_MASTER_KEY, or put it in a file and set IRON_CAGE_MASTER_KEY_FILE to its path';

/**
 * Reads the master key from the environment: 32 bytes, which the caller owns and should wipe.
 * MASTER_KEY_NOT_FOUND when neither variable is set; INVALID_MASTER_KEY when the value is not
 * base64 of 32 bytes, when both variables are set (which one is meant is ambiguous), or when the
 * file cannot be read, is not a regular file, is larger than 4 KiB, or can be read or written by
 * others than its owner (the rules, and the exemption for root-owned secret mounts, are in
 * lib/master-key-file.ts).
 *
 * @example
 * ```ts
 * const masterKey = masterKeyFromEnvironment(process.env);
 * ```
 */
export function masterKeyFromEnvironment(env: NodeJS.ProcessEnv = process.env): Uint8Array {
  const inline = env[MASTER_KEY_VARIABLE];
  const file = env[MASTER_KEY_FILE_VARIABLE];
  const hasInline = inline !== undefined && inline !== '';
  const hasFile = file !== undefined && file !== '';
  if (hasInline && hasFile) {
    throw new IronSecretsError(
      'INVALID_MASTER_KEY',
      `both ${MASTER_KEY_VARIABLE} and ${MASTER_KEY_FILE_VARIABLE} are set; set only one of them`,
    );
  }
  if (hasInline) return parse(inline, MASTER_KEY_VARIABLE);
  if (hasFile) {
    const origin = `the file named by ${MASTER_KEY_FILE_VARIABLE}`;
    return parse(readMasterKeyFile(file, { origin }), origin);
  }
  throw new IronSecretsError(
    'MASTER_KEY_NOT_FOUND',
    `no master key: ${MASTER_KEY_VARIABLE} is not set; ${HOW_TO_MAKE_ONE}`,
  );
}

/**
 * Parses a master key given directly (base64 text or 32 bytes) into a copy the caller owns.
 *
 * @example
 * ```ts
 * const masterKey = masterKeyFrom(process.env.MY_KEY!);
 * ```
 */
export function masterKeyFrom(input: string | Uint8Array, origin = 'the masterKey option'): Uint8Array {
  if (typeof input === 'string') return parse(input, origin);
  if (input instanceof Uint8Array && input.length === 32) return Uint8Array.from(input);
  throw new IronSecretsError(
    'INVALID_MASTER_KEY',
    `${origin} must be base64 text or 32 bytes; ${HOW_TO_MAKE_ONE}`,
  );
}

function parse(encoded: string, origin: string): Uint8Array {
  try {
    return parseMasterKey(encoded, origin);
  } catch (error) {
    if (error instanceof CryptoError)
      throw new IronSecretsError('INVALID_MASTER_KEY', error.message, { cause: error });
    throw error;
  }
}
