/**
 * @module parse-master-key
 * Parsing of the master key (FR-1.2, RULINGS R6): base64 of exactly 32 bytes.
 *
 * Reading the environment variable or the key file is another package's job; this one only turns
 * the text into bytes, or refuses it with a message that names where the text came from, says what
 * was expected and how to make a valid key, and never repeats the text (it is the one secret that
 * unlocks every other).
 */
import { CryptoError } from './crypto-error.js';
import { type Base64Problem, decodeStrictBase64 } from './lib/strict-base64.js';
import { KEY_BYTES } from './sizes.js';
import { wipe } from './wipe.js';

/** Where a master key comes from when the caller does not say (RULINGS R6). */
const DEFAULT_ORIGIN = 'IRON_CAGE_MASTER_KEY';

/** What a valid master key is, in the words of every message. */
const EXPECTED = `base64 of exactly ${KEY_BYTES} bytes`;

/** How to make one: `openssl` prints exactly that format. */
const HOW_TO_MAKE = `Generate one with: openssl rand -base64 ${KEY_BYTES}`;

/** The length of a 32-byte key in base64: unpadded, then padded. */
const KEY_CHARS_UNPADDED = Math.ceil((KEY_BYTES * 4) / 3);
const KEY_CHARS_PADDED = Math.ceil(KEY_BYTES / 3) * 4;

/** What each problem of the strict decoder means to someone fixing their configuration. */
const PROBLEM_DESCRIPTIONS: Readonly<Record<Base64Problem, string>> = {
  ALPHABET: 'contains characters outside the base64 alphabet (or mixes its standard and url-safe forms)',
  LENGTH: 'has a length or padding that no base64 text has',
  NON_CANONICAL: 'is not canonical base64 (its last character has stray bits set)',
};

function invalid(origin: string, problem: string): CryptoError {
  return new CryptoError(
    'INVALID_MASTER_KEY',
    `${origin} ${problem}: it must be ${EXPECTED}. ${HOW_TO_MAKE}`,
  );
}

/**
 * Decodes a master key: base64 of exactly 32 bytes, in the standard or url-safe alphabet, padding
 * optional, surrounding whitespace (such as the newline a key file ends with) ignored.
 *
 * @param encoded The text of the key, as read from the environment or a file.
 * @param origin Where the text came from, named in error messages; defaults to `IRON_CAGE_MASTER_KEY`.
 * @returns The 32 key bytes, in a buffer of their own: {@link wipe} it when the process is done with it.
 * @throws {CryptoError} `INVALID_MASTER_KEY` if the text is anything else; the message never
 *   contains the text.
 *
 * @example
 * ```ts
 * const masterKey = parseMasterKey(readFileSync(path, 'utf8'), path);
 * ```
 */
export function parseMasterKey(encoded: string, origin: string = DEFAULT_ORIGIN): Uint8Array {
  if (typeof encoded !== 'string') {
    throw invalid(origin, `is not text (got ${encoded === null ? 'null' : typeof encoded})`);
  }
  const text = encoded.trim();
  if (text.length === 0) {
    throw invalid(origin, 'is empty');
  }
  const result = decodeStrictBase64(text);
  // Text of the wrong length is not a key, whatever its last character says: naming base64's fine
  // print ("stray bits") would send someone fixing `garbage` looking for a bit to flip.
  if (
    !result.ok &&
    result.problem === 'NON_CANONICAL' &&
    text.length !== KEY_CHARS_UNPADDED &&
    text.length !== KEY_CHARS_PADDED
  ) {
    throw new CryptoError(
      'INVALID_MASTER_KEY',
      `${origin} is not ${EXPECTED} (${text.length} characters received, where such a key has ${KEY_CHARS_PADDED}). ${HOW_TO_MAKE}`,
    );
  }
  if (!result.ok) {
    // The length in characters helps spot a truncated paste and reveals nothing of the key.
    throw invalid(origin, `${PROBLEM_DESCRIPTIONS[result.problem]} (${text.length} characters received)`);
  }
  // A shorter key is weaker than the spec's 256 bits; a longer one means something else was
  // pasted (a key for another system, two keys): neither may be silently truncated or padded.
  if (result.bytes.length !== KEY_BYTES) {
    const received = result.bytes.length;
    wipe(result.bytes);
    throw invalid(origin, `decodes to ${received} bytes`);
  }
  return result.bytes;
}
