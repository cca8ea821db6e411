/**
 * @module audit-subjects
 * What an audit entry that is not about a secret names in its `secret_name` column. Neither form
 * is a valid secret name (they contain `:` or `-`), so no entry can be mistaken for a secret's.
 */

/** The subject of token creation and revocation: `token:<id>`. */
export function tokenSubject(id: string): string {
  return `token:${id}`;
}

/** The subject of a master-key rotation. */
export const MASTER_KEY_SUBJECT = 'master-key';
