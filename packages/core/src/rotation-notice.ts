/**
 * @module rotation-notice
 * What to tell a person about a secret that is handed out past its expiry or its rotation date.
 * An expired secret is still served (an outage is worse than an old key), so every reader that
 * serves one says so, in the same words: `iron-secrets get`, `iron-secrets run` (embedded or
 * through the API).
 */
import type { RotationStatus } from './secret-metadata.js';
import { isoSeconds } from './wire-format.js';

/** The fields a notice is made of: a {@link SecretMetadata} has them, and so has its JSON read back. */
export interface RotationNoticeSubject {
  readonly name: string;
  readonly environment: string;
  readonly rotationStatus: RotationStatus;
  readonly expiresAt: Date | null;
  readonly rotationDueAt: Date | null;
}

/**
 * A notice about a secret that is not `ok`: a `WARN` for an expired one (its value may already
 * be refused by the service it is for), an `INFO` for one whose rotation is due (a reminder).
 * Never the value; only the name, the environment and the time.
 */
export interface RotationNotice {
  readonly level: 'WARN' | 'INFO';
  readonly message: string;
}

/**
 * The notice for `secret`, or undefined when its status is `ok`.
 *
 * @example
 * ```ts
 * const notice = rotationNotice(await manager.readSecret('OPENAI_API_KEY', 'admin', { environment: 'production' }));
 * // { level: 'WARN', message: 'OPENAI_API_KEY (production) expired at 2026-11-23T19:43:49Z; served anyway: rotate it and set a new expiry' }
 * ```
 */
export function rotationNotice(secret: RotationNoticeSubject): RotationNotice | undefined {
  const subject = `${secret.name} (${secret.environment})`;
  switch (secret.rotationStatus) {
    case 'expired':
      return {
        level: 'WARN',
        message: `${subject} expired at ${isoSeconds(secret.expiresAt) ?? 'an unknown time'}; served anyway: rotate it and set a new expiry`,
      };
    case 'due':
      return {
        level: 'INFO',
        message: `${subject} is due for rotation since ${isoSeconds(secret.rotationDueAt) ?? 'an unknown time'}`,
      };
    default:
      return undefined;
  }
}

/**
 * The worst status among `statuses` (`expired` over `due` over `ok`; `ok` for none): what the
 * API's `Iron-Secret-Status` header says of a listing.
 */
export function worstRotationStatus(statuses: Iterable<RotationStatus>): RotationStatus {
  let worst: RotationStatus = 'ok';
  for (const status of statuses) {
    if (status === 'expired') return 'expired';
    if (status === 'due') worst = 'due';
  }
  return worst;
}
