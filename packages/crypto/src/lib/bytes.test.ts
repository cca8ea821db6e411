import { describe, expect, it } from 'vitest';
import { concatBytes, copyBytes, isBytes, randomBytesFresh } from './bytes.js';

describe('bytes helpers', () => {
  it('isBytes accepts Uint8Arrays and Buffers only', () => {
    expect(isBytes(new Uint8Array(1))).toBe(true);
    expect(isBytes(Buffer.alloc(1))).toBe(true);
    expect(isBytes('abc')).toBe(false);
    expect(isBytes([1, 2, 3])).toBe(false);
    expect(isBytes(new Uint16Array(1))).toBe(false);
  });

  it('copyBytes copies a pooled Buffer into memory of its own (Buffer#slice would not)', () => {
    const pooled = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length); // a view into Node's pool
    const copy = copyBytes(pooled);
    expect(Buffer.isBuffer(copy)).toBe(false);
    expect(copy.buffer.byteLength).toBe(16);
    copy.fill(0);
    expect(pooled.toString('hex')).toBe('00112233445566778899aabbccddeeff');
  });

  it('concatBytes joins parts into one fresh array', () => {
    const joined = concatBytes(
      new Uint8Array([1, 2]),
      Buffer.from([3]),
      new Uint8Array(0),
      new Uint8Array([4]),
    );
    expect([...joined]).toEqual([1, 2, 3, 4]);
    expect(Buffer.isBuffer(joined)).toBe(false);
    expect(joined.buffer.byteLength).toBe(4);
  });

  it('randomBytesFresh returns fresh random bytes of the asked length', () => {
    const first = randomBytesFresh(32);
    expect(first).toHaveLength(32);
    expect(first.buffer.byteLength).toBe(32);
    expect(randomBytesFresh(32)).not.toEqual(first);
  });
});
