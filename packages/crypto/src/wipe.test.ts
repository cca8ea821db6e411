import { describe, expect, it } from 'vitest';
import { wipe } from './wipe.js';

describe('wipe', () => {
  it('zeroes every buffer given and skips undefined', () => {
    const first = new Uint8Array([1, 2, 3]);
    const second = Buffer.from([4, 5, 6]);
    wipe(first, undefined, second);
    expect([...first]).toEqual([0, 0, 0]);
    expect([...second]).toEqual([0, 0, 0]);
  });

  it('zeroes only the view it is given', () => {
    const backing = new Uint8Array([1, 2, 3, 4]);
    wipe(backing.subarray(1, 3));
    expect([...backing]).toEqual([1, 0, 0, 4]);
  });

  it('accepts no arguments', () => {
    expect(() => wipe()).not.toThrow();
  });
});
