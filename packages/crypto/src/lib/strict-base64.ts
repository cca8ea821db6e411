/**
 * @module strict-base64
 * A base64 decoder that refuses everything but canonical base64.
 *
 * Node's own decoder (`Buffer.from(text, 'base64')`) is lenient: it skips characters outside the
 * alphabet, stops at the first `=`, and ignores stray bits in the last character. For a master key
 * that leniency turns a typo, a truncated paste or a quoted value into a *different, valid-looking
 * 32-byte key*, which would then fail far away as a fingerprint mismatch or, worse, encrypt new
 * secrets under the wrong key. This decoder accepts a text only if it is exactly what encoding the
 * decoded bytes gives back (allowing only the url-safe alphabet and omitted padding as variants).
 */

/** Why a text was refused; never the text itself. */
export type Base64Problem =
  /** A character outside the base64 alphabet, `=` inside the text, or both alphabets mixed. */
  | 'ALPHABET'
  /** Padding of the wrong length, or a length no byte string encodes to. */
  | 'LENGTH'
  /** The last character carries bits beyond the encoded bytes: another text encodes them. */
  | 'NON_CANONICAL';

/** The outcome of {@link decodeStrictBase64}. */
export type Base64Result =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly problem: Base64Problem };

/** RFC 4648 section 4: `+` and `/`. */
const STANDARD_BODY = /^[A-Za-z0-9+/]*$/;
/** RFC 4648 section 5 (url and filename safe): `-` and `_`. */
const URL_SAFE_BODY = /^[A-Za-z0-9_-]*$/;
/** Base64 encodes 3 bytes in 4 characters. */
const CHARS_PER_GROUP = 4;
const BYTES_PER_GROUP = 3;
/** A lone character in the last group encodes 6 bits: less than a byte, never valid. */
const IMPOSSIBLE_REMAINDER = 1;

/**
 * Decodes `text` if, and only if, it is canonical base64 (standard or url-safe alphabet, padding
 * present and correct, or absent). No whitespace is allowed: trim before calling.
 *
 * @example
 * ```ts
 * decodeStrictBase64('AAEC'); // { ok: true, bytes: Uint8Array [0, 1, 2] }
 * decodeStrictBase64('AAE*'); // { ok: false, problem: 'ALPHABET' }
 * ```
 */
export function decodeStrictBase64(text: string): Base64Result {
  const firstPad = text.indexOf('=');
  const body = firstPad === -1 ? text : text.slice(0, firstPad);
  const padding = firstPad === -1 ? '' : text.slice(firstPad);

  // One alphabet for the whole text: a mix of both is no encoder's output.
  if (!(STANDARD_BODY.test(body) || URL_SAFE_BODY.test(body)) || /[^=]/.test(padding)) {
    return { ok: false, problem: 'ALPHABET' };
  }
  const remainder = body.length % CHARS_PER_GROUP;
  if (remainder === IMPOSSIBLE_REMAINDER) {
    return { ok: false, problem: 'LENGTH' };
  }
  // Padding, when present, completes the last group to 4 characters, exactly.
  const expectedPadding = (CHARS_PER_GROUP - remainder) % CHARS_PER_GROUP;
  if (padding.length !== 0 && padding.length !== expectedPadding) {
    return { ok: false, problem: 'LENGTH' };
  }

  const standardBody = body.replaceAll('-', '+').replaceAll('_', '/');
  const byteLength = Math.floor((body.length * BYTES_PER_GROUP) / CHARS_PER_GROUP);
  // Buffer.alloc is never taken from the shared pool: the key gets memory of its own.
  const decoded = Buffer.alloc(byteLength);
  decoded.write(standardBody, 'base64');

  // The proof of canonical form: encoding the bytes gives back the text (without its padding).
  if (decoded.toString('base64').replace(/=+$/, '') !== standardBody) {
    decoded.fill(0);
    return { ok: false, problem: 'NON_CANONICAL' };
  }
  return { ok: true, bytes: new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength) };
}
