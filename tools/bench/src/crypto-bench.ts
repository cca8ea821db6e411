/**
 * @module crypto-bench
 * NFR-1, NFR-2 (AES-256-GCM of 1 KiB) and NFR-3 (Argon2id key derivation), with every installed
 * Argon2 implementation measured in the same run next to ours.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_KDF_PARAMS, decrypt, deriveKey, encrypt, randomSalt } from '@iron/secrets-crypto';
import { hashRaw } from '@node-rs/argon2';
import { argon2id } from 'hash-wasm';
import { type Measurement, measure, wallTime } from './measure.js';
import { referenceArgon2 } from './reference-argon2.js';

const ONE_KIB = 1024;
/** `Algorithm.Argon2id` and `Version.V0x13` of @node-rs/argon2: its typings are const enums. */
const NATIVE_ARGON2ID = 2;
const NATIVE_VERSION_0X13 = 1;
const { memoryKiB, iterations: timeCost, parallelism, keyLength } = DEFAULT_KDF_PARAMS;

/** Each Argon2id implementation, computing the same FR-3 derivation. */
type Derive = (password: Buffer, salt: Buffer) => Promise<Uint8Array>;

async function implementations(
  log: (line: string) => void,
): Promise<{ available: Record<string, Derive>; missing: string[] }> {
  const argon2 = await referenceArgon2(log);
  const all: Record<string, Derive | string> = {
    '@node-rs/argon2 (hashRaw)': (password, salt) =>
      hashRaw(password, {
        algorithm: NATIVE_ARGON2ID as never,
        version: NATIVE_VERSION_0X13 as never,
        memoryCost: memoryKiB,
        timeCost,
        parallelism,
        outputLen: keyLength,
        salt,
      }),
    'argon2 (reference C binding)':
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
    'hash-wasm (main thread)': (password, salt) =>
      argon2id({
        password,
        salt,
        iterations: timeCost,
        memorySize: memoryKiB,
        parallelism,
        hashLength: keyLength,
        outputType: 'binary',
      }),
    'deriveKey (ours)': (password, salt) => deriveKey(password, salt),
  };
  const available: Record<string, Derive> = {};
  const missing: string[] = [];
  for (const [name, derive] of Object.entries(all)) {
    if (typeof derive === 'string') missing.push(`${name}: ${derive}`);
    else available[name] = derive;
  }
  return { available, missing };
}

export interface CryptoResults {
  readonly aes: Measurement[];
  readonly kdf: Measurement[];
  readonly missing: readonly string[];
  readonly parallel: {
    readonly batch: number;
    readonly wallMs: number;
    readonly sequentialEstimateMs: number;
  };
}

export async function cryptoBenchmarks(scale: number, log: (line: string) => void): Promise<CryptoResults> {
  const { available: IMPLEMENTATIONS, missing } = await implementations(log);
  const key = randomBytes(32);
  const aad = Buffer.from('iron-secrets/secret/v1\0id\0production\0OPENAI_API_KEY');
  const plaintext = randomBytes(ONE_KIB);
  const sealed = encrypt(plaintext, key, aad);
  const aes = [
    await measure('encrypt 1 KiB', () => encrypt(plaintext, key, aad), { iterations: 1000 / scale }),
    await measure('decrypt 1 KiB', () => decrypt(sealed.ciphertext, key, sealed.nonce, aad), {
      iterations: 1000 / scale,
    }),
  ];

  const password = randomBytes(32);
  const salt = Buffer.from(randomSalt());
  // Not timed: every implementation must give the same bytes, or the comparison means nothing.
  const outputs = await Promise.all(Object.values(IMPLEMENTATIONS).map((derive) => derive(password, salt)));
  const reference = Buffer.from(outputs[0]!).toString('hex');
  for (const [index, name] of Object.keys(IMPLEMENTATIONS).entries()) {
    if (Buffer.from(outputs[index]!).toString('hex') !== reference)
      throw new Error(`${name} gives different bytes`);
  }
  const kdf: Measurement[] = [];
  for (const [name, derive] of Object.entries(IMPLEMENTATIONS)) {
    kdf.push(await measure(name, () => derive(password, salt), { iterations: Math.max(5, 100 / scale) }));
  }

  const batch = 50;
  const wallMs = await wallTime(() =>
    Promise.all(Array.from({ length: batch }, () => deriveKey(password, randomSalt()))),
  );
  const ours = kdf.at(-1)!;
  return { aes, kdf, missing, parallel: { batch, wallMs, sequentialEstimateMs: batch * ours.p50 } };
}
