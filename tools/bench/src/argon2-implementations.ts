/**
 * @module argon2-implementations
 * Every installed Argon2id implementation, each computing the FR-3 derivation with
 * `DEFAULT_KDF_PARAMS`, and the check that they all give the same bytes.
 */
import { DEFAULT_KDF_PARAMS, deriveKey } from '@iron/secrets-crypto';
import { hashRaw } from '@node-rs/argon2';
import { argon2id } from 'hash-wasm';
import { referenceArgon2 } from './reference-argon2.js';

/** `Algorithm.Argon2id` and `Version.V0x13` of @node-rs/argon2: its typings are const enums. */
const NATIVE_ARGON2ID = 2;
const NATIVE_VERSION_0X13 = 1;
const { memoryKiB, iterations: timeCost, parallelism, keyLength } = DEFAULT_KDF_PARAMS;

/** One implementation's derivation of a 32-byte key from a password and a 16-byte salt. */
export type Derive = (password: Buffer, salt: Buffer) => Promise<Uint8Array>;

/** The name of the row every other implementation is compared with. */
export const BASELINE = '@node-rs/argon2 (hashRaw)';
/** The name of our own `deriveKey`'s row. */
export const OURS = 'deriveKey (ours)';

/**
 * The implementations that load on this machine, in report order, and why any did not.
 * `deriveKey` comes last: it is one of the others behind a check of its inputs.
 */
export async function argon2Implementations(
  log: (line: string) => void,
): Promise<{ available: ReadonlyMap<string, Derive>; missing: string[] }> {
  const argon2 = await referenceArgon2(log);
  const all: [string, Derive | string][] = [
    [
      BASELINE,
      (password, salt) =>
        hashRaw(password, {
          algorithm: NATIVE_ARGON2ID as never,
          version: NATIVE_VERSION_0X13 as never,
          memoryCost: memoryKiB,
          timeCost,
          parallelism,
          outputLen: keyLength,
          salt,
        }),
    ],
    [
      'argon2 (reference C binding)',
      'unavailable' in argon2
        ? argon2.unavailable
        : (password, salt) =>
            argon2.hash(password, {
              raw: true,
              type: argon2.argon2id,
              memoryCost: memoryKiB,
              timeCost,
              parallelism,
              hashLength: keyLength,
              salt,
            }),
    ],
    [
      'hash-wasm (main thread)',
      (password, salt) =>
        argon2id({
          password,
          salt,
          iterations: timeCost,
          memorySize: memoryKiB,
          parallelism,
          hashLength: keyLength,
          outputType: 'binary',
        }),
    ],
    [OURS, (password, salt) => deriveKey(password, salt)],
  ];
  const available = new Map<string, Derive>();
  const missing: string[] = [];
  for (const [name, derive] of all) {
    if (typeof derive === 'string') missing.push(`${name}: ${derive}`);
    else available.set(name, derive);
  }
  return { available, missing };
}

/**
 * Derives one key with every implementation and throws unless all the bytes are identical:
 * a timing comparison of implementations that compute different things would mean nothing.
 */
export async function assertSameBytes(
  implementations: ReadonlyMap<string, Derive>,
  password: Buffer,
  salt: Buffer,
): Promise<void> {
  const outputs: [string, string][] = [];
  for (const [name, derive] of implementations) {
    outputs.push([name, Buffer.from(await derive(password, salt)).toString('hex')]);
  }
  const [first, ...others] = outputs;
  for (const [name, hex] of others) {
    if (first === undefined || hex !== first[1] || hex.length !== keyLength * 2) {
      throw new Error(
        `Argon2id implementations disagree on the same input: ${first?.[0]} gives ${first?.[1]}, ${name} gives ${hex}`,
      );
    }
  }
}
