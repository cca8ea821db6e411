/**
 * @module generate-master-key
 * Making a new master key (FR-1.2).
 */
import { randomBytesFresh } from './lib/bytes.js';
import { KEY_BYTES } from './sizes.js';
import { wipe } from './wipe.js';

/**
 * A new master key: 32 bytes from the operating system's CSPRNG, as standard base64 with padding
 * (44 characters), the same format as `openssl rand -base64 32` and what {@link parseMasterKey}
 * accepts.
 *
 * @example
 * ```ts
 * console.log(`IRON_CAGE_MASTER_KEY=${generateMasterKey()}`);
 * ```
 */
export function generateMasterKey(): string {
  const key = randomBytesFresh(KEY_BYTES);
  try {
    return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64');
  } finally {
    // The returned string is now the only copy (strings cannot be wiped; the bytes can).
    wipe(key);
  }
}
