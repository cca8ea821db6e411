import { describe, expect, it } from 'vitest';
import { generateMasterKey } from './generate-master-key.js';
import { parseMasterKey } from './parse-master-key.js';

describe('generateMasterKey', () => {
  it('returns padded standard base64 of 32 bytes, the format of `openssl rand -base64 32`', () => {
    const encoded = generateMasterKey();
    expect(encoded).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(parseMasterKey(encoded)).toHaveLength(32);
  });

  it('returns a different key each time', () => {
    const keys = new Set(Array.from({ length: 100 }, () => generateMasterKey()));
    expect(keys.size).toBe(100);
  });
});
