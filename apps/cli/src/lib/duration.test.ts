import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['45s', 45],
    ['30m', 1800],
    ['24h', 86_400],
    ['90d', 7_776_000],
    ['2w', 1_209_600],
    ['1h30m', 5400],
    ['1d12h', 129_600],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseDuration(text, '--expires-in')).toBe(seconds);
  });

  it.each([
    '',
    '90',
    'd',
    '90 d',
    '90days',
    '-1d',
    '1.5h',
    '0s',
    '0d0h',
    '101y',
    '36501d',
    'x'.repeat(100),
    '1d ',
    '١d',
  ])('refuses %j, naming the flag', (text) => {
    expect(() => parseDuration(text, '--rotate-every')).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('--rotate-every') }),
    );
  });
});
