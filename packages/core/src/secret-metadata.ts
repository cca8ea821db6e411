/**
 * @module secret-metadata
 * What listing returns about a secret. It can hold the value (for agents, and admins who ask to
 * reveal), so the value is kept out of `JSON.stringify`, `util.inspect` and spreads: it is read
 * only by asking for `.value` by name.
 */
import { inspect } from 'node:util';
import type { Environment } from '@iron/secrets-rbac';

/** Whether a secret is within its rotation interval and expiry (RULINGS R8). */
export type RotationStatus = 'ok' | 'due' | 'expired';

/** The fields of a {@link SecretMetadata}, without the value. */
export interface SecretMetadataFields {
  readonly id: string;
  readonly name: string;
  readonly environment: Environment;
  /** FR-7.2's masked form: what dashboards and viewers see. */
  readonly valueMasked: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When the value stops being valid, if it expires. */
  readonly expiresAt: Date | null;
  /** How often it should be rotated, in seconds, if it has an interval. */
  readonly rotateEverySeconds: number | null;
  /** `updatedAt + rotateEverySeconds`, if it has an interval. */
  readonly rotationDueAt: Date | null;
  /** `expired` past `expiresAt`, `due` past `rotationDueAt`, else `ok`. */
  readonly rotationStatus: RotationStatus;
  /**
   * The entity tag of this state of the secret (HTTP's `ETag`, quoted): give it back as
   * `updateSecret`'s `ifMatch` to write only if nobody has written since. Opaque; never derived
   * from the value.
   */
  readonly etag: string;
}

/**
 * A listed secret. `value` is present only where FR-6.3 grants the full value.
 *
 * @example
 * ```ts
 * const [openai] = await manager.listSecrets('agent', 'production');
 * openai.value; // 'sk-proj-...'
 * JSON.stringify(openai); // {"id":...,"name":"OPENAI_API_KEY",...} — no value
 * ```
 */
export class SecretMetadata implements SecretMetadataFields {
  readonly id: string;
  readonly name: string;
  readonly environment: Environment;
  readonly valueMasked: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly expiresAt: Date | null;
  readonly rotateEverySeconds: number | null;
  readonly rotationDueAt: Date | null;
  readonly rotationStatus: RotationStatus;
  readonly etag: string;
  readonly #value: string | undefined;

  constructor(fields: SecretMetadataFields, value?: string) {
    this.id = fields.id;
    this.name = fields.name;
    this.environment = fields.environment;
    this.valueMasked = fields.valueMasked;
    this.createdAt = fields.createdAt;
    this.updatedAt = fields.updatedAt;
    this.expiresAt = fields.expiresAt;
    this.rotateEverySeconds = fields.rotateEverySeconds;
    this.rotationDueAt = fields.rotationDueAt;
    this.rotationStatus = fields.rotationStatus;
    this.etag = fields.etag;
    this.#value = value;
  }

  /** The full value, when the requester may see it; otherwise undefined. */
  get value(): string | undefined {
    return this.#value;
  }

  /** Every field except the value (the value lives in a private field, which a spread skips). */
  toJSON(): SecretMetadataFields {
    return { ...this };
  }

  [inspect.custom](): string {
    const hidden = this.#value === undefined ? '' : ", value: '[REDACTED]'";
    return `SecretMetadata { name: '${this.name}', environment: '${this.environment}', valueMasked: '${this.valueMasked}'${hidden} }`;
  }
}

/** The rotation status of a secret at unix time `now`. */
export function rotationStatus(
  now: number,
  expiresAt: number | null,
  rotationDueAt: number | null,
): RotationStatus {
  if (expiresAt !== null && expiresAt <= now) return 'expired';
  if (rotationDueAt !== null && rotationDueAt <= now) return 'due';
  return 'ok';
}
