/**
 * @module secret-etag
 * The entity tag of a secret's current state (issue 16): what compare-and-set compares. It names
 * the row and its version, hashed, and nothing else: never derived from the value, so handing it
 * to a viewer tells them nothing a listing does not. Every write of a row raises its version, and
 * a deleted and re-created secret is a new row (a new id), so a tag never comes back.
 */
import { createHash } from 'node:crypto';
import { IronSecretsError } from '../errors.js';

const ETAG_LABEL = 'iron-secrets/etag/v1';
/** 16 bytes of SHA-256: collisions between two states of one secret are out of reach. */
const ETAG_BYTES = 16;
/** An If-Match longer than this is refused unread: a header of a few tags is far shorter. */
export const MAX_IF_MATCH_LENGTH = 1024;

/** The strong entity tag of a row at a version, quoted as HTTP's `ETag` carries it. */
export function secretEtag(row: { readonly id: string; readonly version: number }): string {
  const digest = createHash('sha256').update(`${ETAG_LABEL}\0${row.id}\0${row.version}`).digest();
  return `"${digest.subarray(0, ETAG_BYTES).toString('base64url')}"`;
}

/** A parsed If-Match: any current state (`*`), or one of these tags' opaque parts. */
export type IfMatch = { readonly any: true } | { readonly any: false; readonly tags: readonly string[] };

/**
 * One element of an If-Match list (RFC 9110 §8.8.3): a weak tag `W/"..."` (which never matches: If-Match
 * compares strongly), a strong tag `"..."`, or, for scripts that lost the quotes, our own
 * base64url tag bare.
 */
const ELEMENT = /^[ \t]*(?:(W\/)?"([\x21\x23-\x7e]*)"|([A-Za-z0-9_-]+))[ \t]*(,|$)/;

/**
 * Parses an If-Match value: `*`, or a comma-separated list of entity tags. Malformed input is
 * INVALID_ARGUMENT, described by its kind and length, never echoed.
 */
export function parseIfMatch(input: unknown): IfMatch {
  if (typeof input !== 'string') {
    throw new IronSecretsError('INVALID_ARGUMENT', `ifMatch must be a string (an entity tag, or *)`);
  }
  if (input.length > MAX_IF_MATCH_LENGTH) {
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      `ifMatch is ${input.length} characters long; an entity tag list is at most ${MAX_IF_MATCH_LENGTH}`,
    );
  }
  if (input.trim() === '*') return { any: true };
  const tags: string[] = [];
  let rest = input;
  while (rest.trim() !== '') {
    const match = ELEMENT.exec(rest);
    if (!match) {
      throw new IronSecretsError(
        'INVALID_ARGUMENT',
        'ifMatch must be * or entity tags like "Xo3b..." (as the secret\'s etag gives them)',
      );
    }
    const [whole, weak, quoted, bare] = match;
    // A weak tag stays in the list only to be counted: it can never match.
    if (weak === undefined) tags.push(quoted ?? bare!);
    rest = rest.slice(whole.length);
  }
  if (tags.length === 0 && !input.includes('W/')) {
    throw new IronSecretsError('INVALID_ARGUMENT', 'ifMatch is empty: give an entity tag, or *');
  }
  return { any: false, tags };
}

/** Whether a row at its version satisfies an If-Match (strong comparison, RFC 9110 §8.8.3.2). */
export function ifMatchHolds(
  ifMatch: IfMatch,
  row: { readonly id: string; readonly version: number },
): boolean {
  if (ifMatch.any) return true;
  const current = secretEtag(row).slice(1, -1);
  return ifMatch.tags.includes(current);
}
