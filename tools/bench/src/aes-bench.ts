/**
 * @module aes-bench
 * NFR-1 and NFR-2: AES-256-GCM encryption and decryption of a 1 KiB value, with the AAD a secret's
 * row uses, through `@iron/secrets-crypto`'s `encrypt` and `decrypt`.
 */
import { randomBytes } from 'node:crypto';
import { decrypt, encrypt } from '@iron/secrets-crypto';
import { type Measurement, measure } from './measure.js';

const ONE_KIB = 1024;

export interface AesResults {
  readonly encrypt: Measurement;
  readonly decrypt: Measurement;
}

export async function aesBenchmarks(scale: number): Promise<AesResults> {
  const iterations = Math.round(1000 / scale);
  const key = randomBytes(32);
  const aad = Buffer.from('iron-secrets/secret/v1\0id\0production\0OPENAI_API_KEY');
  const plaintext = randomBytes(ONE_KIB);
  const sealed = encrypt(plaintext, key, aad);
  return {
    encrypt: await measure('encrypt 1 KiB', () => encrypt(plaintext, key, aad), { iterations }),
    decrypt: await measure('decrypt 1 KiB', () => decrypt(sealed.ciphertext, key, sealed.nonce, aad), {
      iterations,
    }),
  };
}
