import { describe, expect, it } from 'vitest';
import { randomSalt } from './random-salt.js';
import { SALT_BYTES } from './sizes.js';

describe('randomSalt', () => {
  it('returns 16 fresh random bytes each call', () => {
    const salts = new Set<string>();
    for (let count = 0; count < 1000; count++) {
      const salt = randomSalt();
      expect(salt).toHaveLength(SALT_BYTES);
      salts.add(Buffer.from(salt).toString('hex'));
    }
    expect(salts.size).toBe(1000);
  });
});
