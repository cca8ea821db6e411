/**
 * @module access-token
 * The shape of an access token and how it is stored. A token is `iron_<id>_<secret>`: the id
 * (12 hex digits) names the row and is safe to show, log and revoke by; the secret is 32 random
 * bytes (256 bits, base64url). Only the SHA-256 of the whole token is stored: with 256 bits of
 * entropy there is nothing to brute-force, so a slow hash would only slow every API request.
 * The fixed `iron_` prefix lets secret scanners and our own redactor recognise a leaked token.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccessTokenRow } from '@iron/secrets-storage';

/** Every token starts with this. */
export const TOKEN_PREFIX = 'iron_';

/** Random bytes of a token's secret part: 256 bits. */
export const TOKEN_SECRET_BYTES = 32;

/** Random bytes of a token's id: 48 bits, enough to never collide among one installation's tokens. */
const TOKEN_ID_BYTES = 6;

/** A token id: 12 lowercase hex digits. */
export const TOKEN_ID_PATTERN = /^[0-9a-f]{12}$/;

/** A whole token; the secret is 43 base64url characters (32 bytes, no padding). */
const TOKEN_PATTERN = /^iron_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

/** A fresh token with its id and the hash to store. */
export function newAccessToken(): { id: string; token: string; tokenHash: string } {
  const id = randomBytes(TOKEN_ID_BYTES).toString('hex');
  const token = `${TOKEN_PREFIX}${id}_${randomBytes(TOKEN_SECRET_BYTES).toString('base64url')}`;
  return { id, token, tokenHash: hashToken(token) };
}

/** The id a well-formed token names, or undefined for anything else. */
export function tokenId(token: string): string | undefined {
  return TOKEN_PATTERN.exec(token)?.[1];
}

/** SHA-256 of the token, hex: what the database stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether `token` hashes to `storedHash`, compared in constant time. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(hashToken(token), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Domain separation: the audit-chain key signs audit entries too, never with this prefix. */
const TOKEN_MAC_LABEL = 'iron-secrets/access-token/v1';

/**
 * HMAC-SHA256 (hex) of every field of a token row but the MAC itself, under the installation's
 * audit-chain key, over canonical JSON (a fixed field order, so no two rows encode alike).
 */
export function tokenMac(chainKey: Uint8Array, row: Omit<AccessTokenRow, 'mac'>): string {
  const fields = [
    row.id,
    row.tokenHash,
    row.role,
    row.agentId,
    row.environments,
    row.secretPatterns,
    row.createdAt,
    row.createdBy,
    row.expiresAt,
    row.revokedAt,
  ];
  return createHmac('sha256', chainKey)
    .update(TOKEN_MAC_LABEL)
    .update('\0')
    .update(JSON.stringify(fields))
    .digest('hex');
}

/** Whether a stored row carries the MAC of its fields, compared in constant time. */
export function tokenRowIntact(chainKey: Uint8Array, row: AccessTokenRow): boolean {
  if (row.mac === null || !/^[0-9a-f]{64}$/.test(row.mac)) return false;
  const expected = Buffer.from(tokenMac(chainKey, row), 'hex');
  return timingSafeEqual(expected, Buffer.from(row.mac, 'hex'));
}
