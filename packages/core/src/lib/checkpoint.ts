/**
 * @module checkpoint
 * A signed statement of the audit chain's head, for a store outside the database: "entry
 * `lastId`, the `entries`-th ever written, has hash `headHash` and digest `headDigest`". A verifier
 * holding it detects a later log that lost entries or was rolled back: the later log must still
 * hold that entry with that digest (or, after pruning, the anchor must remember it), and every
 * digest after it must follow from its predecessor. Certificate Transparency's signed tree heads
 * and AWS CloudTrail's digest files are the models.
 *
 * The signature is Ed25519 over these exact bytes (docs/operations.md repeats them):
 *
 *     "iron-secrets/audit-checkpoint/v1\n" + JSON.stringify([kind, entries, lastId, headHash,
 *       headDigest, time, publicKey, nextPublicKey])
 *
 * A `handover` checkpoint is written by a master-key rotation: signed by the old key, it names the
 * new one (`nextPublicKey`), so a verifier who trusts the first key can follow every later one.
 */
import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import { IronSecretsError } from '../errors.js';

export const CHECKPOINT_PREFIX = 'iron-secrets/audit-checkpoint/v1\n';

/** A signed checkpoint, as printed by `iron-secrets audit checkpoint`. */
export interface Checkpoint {
  readonly v: 1;
  readonly kind: 'checkpoint' | 'handover';
  /** Entries ever written up to and including `lastId` (pruned ones too). */
  readonly entries: number;
  readonly lastId: number;
  readonly headHash: string;
  readonly headDigest: string;
  /** When it was signed, ISO 8601 UTC to the second. */
  readonly time: string;
  /** Short name of the signing key: the first 16 hex digits of SHA-256 over its SPKI DER. */
  readonly keyId: string;
  /** The signing key, Ed25519 SPKI DER, base64. */
  readonly publicKey: string;
  /** In a handover: the key that signs from now on. */
  readonly nextPublicKey: string | null;
  /** Ed25519 signature over {@link checkpointSignedBytes}, base64. */
  readonly signature: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'v' | 'keyId' | 'signature'>;

/** The bytes a checkpoint's signature covers. */
export function checkpointSignedBytes(checkpoint: UnsignedCheckpoint): Buffer {
  return Buffer.from(
    CHECKPOINT_PREFIX +
      JSON.stringify([
        checkpoint.kind,
        checkpoint.entries,
        checkpoint.lastId,
        checkpoint.headHash,
        checkpoint.headDigest,
        checkpoint.time,
        checkpoint.publicKey,
        checkpoint.nextPublicKey,
      ]),
    'utf8',
  );
}

/** The key id of a public key (SPKI DER, base64). */
export function signingKeyId(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex').slice(0, 16);
}

/** Signs a checkpoint with a private key (PKCS#8 DER). */
export function signCheckpoint(privateKeyDer: Uint8Array, unsigned: UnsignedCheckpoint): Checkpoint {
  const signature = sign(null, checkpointSignedBytes(unsigned), {
    key: Buffer.from(privateKeyDer),
    format: 'der',
    type: 'pkcs8',
  });
  return {
    v: 1,
    ...unsigned,
    keyId: signingKeyId(unsigned.publicKey),
    signature: signature.toString('base64'),
  };
}

/** Whether the checkpoint's signature verifies under the public key it names. */
export function checkpointSignatureValid(checkpoint: Checkpoint): boolean {
  // Canonical base64 only: Node's decoder skips stray characters, and a signature that decodes
  // alike whatever is appended to it is not the one that was signed.
  const signature = Buffer.from(checkpoint.signature, 'base64');
  if (signature.length !== 64 || signature.toString('base64') !== checkpoint.signature) return false;
  if (Buffer.from(checkpoint.publicKey, 'base64').toString('base64') !== checkpoint.publicKey) return false;
  try {
    const key = createPublicKey({
      key: Buffer.from(checkpoint.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, checkpointSignedBytes(checkpoint), key, signature);
  } catch {
    return false;
  }
}

const HEX64 = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** A checkpoint file is a few hundred bytes; anything much larger is not one. */
const MAX_CHECKPOINT_BYTES = 8192;

/**
 * Reads a checkpoint from untrusted text (a file someone hands in): INVALID_ARGUMENT naming the
 * field that is wrong. The signature is not checked here.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (text.length > MAX_CHECKPOINT_BYTES) throw bad(`it is larger than ${MAX_CHECKPOINT_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('it is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('it is not a JSON object');
  const c = value as Record<string, unknown>;
  const isCount = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (c.v !== 1) throw bad('"v" must be 1');
  if (c.kind !== 'checkpoint' && c.kind !== 'handover')
    throw bad('"kind" must be "checkpoint" or "handover"');
  if (!isCount(c.entries)) throw bad('"entries" must be a whole number');
  if (!isCount(c.lastId)) throw bad('"lastId" must be a whole number');
  if (typeof c.headHash !== 'string' || !HEX64.test(c.headHash))
    throw bad('"headHash" must be 64 hex digits');
  if (typeof c.headDigest !== 'string' || !HEX64.test(c.headDigest))
    throw bad('"headDigest" must be 64 hex digits');
  if (typeof c.time !== 'string' || !ISO_SECONDS.test(c.time))
    throw bad('"time" must be like 2026-01-31T12:00:00Z');
  if (typeof c.publicKey !== 'string' || !BASE64.test(c.publicKey)) throw bad('"publicKey" must be base64');
  if (c.nextPublicKey !== null && (typeof c.nextPublicKey !== 'string' || !BASE64.test(c.nextPublicKey))) {
    throw bad('"nextPublicKey" must be base64 or null');
  }
  if (typeof c.keyId !== 'string' || c.keyId !== signingKeyId(c.publicKey))
    throw bad('"keyId" does not name "publicKey"');
  if (typeof c.signature !== 'string' || !BASE64.test(c.signature)) throw bad('"signature" must be base64');
  return {
    v: 1,
    kind: c.kind,
    entries: c.entries as number,
    lastId: c.lastId as number,
    headHash: c.headHash,
    headDigest: c.headDigest,
    time: c.time,
    keyId: c.keyId,
    publicKey: c.publicKey,
    nextPublicKey: c.nextPublicKey as string | null,
    signature: c.signature,
  };
}

/** The public key as PEM, for `openssl` and the verify script. */
export function publicKeyPem(publicKey: string): string {
  return createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' })
    .export({ format: 'pem', type: 'spki' })
    .toString();
}

function bad(reason: string): IronSecretsError {
  return new IronSecretsError('INVALID_ARGUMENT', `the checkpoint cannot be read: ${reason}`);
}

/** Unix seconds as the checkpoint's `time`: ISO 8601 UTC to the second. */
export function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
