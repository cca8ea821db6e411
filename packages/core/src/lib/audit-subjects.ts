/**
 * @module audit-subjects
 * What an audit entry that is not about a secret names in its `secret_name` column. Neither form
 * is a valid secret name (they contain `:` or `-`), so no entry can be mistaken for a secret's.
 */
import { NO_SECRET_NAME } from '@iron/secrets-audit';
import { IronSecretsError } from '../errors.js';
import { assertSecretName } from '../limits.js';
import { TOKEN_ID_PATTERN } from './access-token.js';

/** The subject of token creation and revocation: `token:<id>`. */
export function tokenSubject(id: string): string {
  return `token:${id}`;
}

/** The subject of a master-key rotation. */
export const MASTER_KEY_SUBJECT = 'master-key';

/**
 * Checks a subject to filter the audit trail by: a secret's name, `master-key`, `token:<id>`, or
 * `*` (refused listings). Anything else is INVALID_SECRET_NAME (or, after `token:`,
 * INVALID_ARGUMENT), not echoed (a token pasted where
 * its id belongs must not reach a message).
 */
export function assertAuditSubject(subject: unknown, field: string): asserts subject is string {
  if (subject === MASTER_KEY_SUBJECT || subject === NO_SECRET_NAME) return;
  if (typeof subject === 'string' && subject.startsWith('token:')) {
    if (TOKEN_ID_PATTERN.test(subject.slice('token:'.length))) return;
    throw new IronSecretsError(
      'INVALID_ARGUMENT',
      `${field}: a token's entries are named token:<id>, the id being 12 hexadecimal digits (see the token list)`,
    );
  }
  try {
    assertSecretName(subject);
  } catch (error) {
    if (!(error instanceof IronSecretsError)) throw error;
    throw new IronSecretsError(
      error.code,
      `${field} must be a secret's name, master-key, token:<id> or *: ${error.message}`,
    );
  }
}
