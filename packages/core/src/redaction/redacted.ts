/**
 * @module redacted
 * What a secret is replaced with, and the shortest value worth replacing.
 */

/** What a value (or any of its derived forms) is replaced with. */
export const REDACTED = '[SECRET_REDACTED]';

/**
 * Values, and derived forms, with fewer code points than this are not redacted: replacing every
 * `true` or `1234` in an agent's output would destroy it and protect nothing.
 */
export const MIN_REDACTED_LENGTH = 6;
