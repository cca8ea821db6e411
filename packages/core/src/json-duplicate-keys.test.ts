import { describe, expect, it } from 'vitest';
import { hasDuplicateJsonKey } from './json-duplicate-keys.js';

describe('hasDuplicateJsonKey', () => {
  it.each([
    ['{"a":1,"a":2}', true],
    ['{"environment":"development","environment":"production"}', true],
    ['{"a":1,"\\u0061":2}', true],
    ['{"\\u0061":1,"\\u0061":2}', true],
    ['{"a\\"b":1,"a\\u0022b":2}', true],
    ['{"\\ud83d\\ude00":1,"😀":2}', true],
    ['{"x":[1,{"y":{"b":1,"c":[],"b":2}}]}', true],
    ['[{"a":1},{"b":2,"b":3}]', true],
    ['{"a":{"a":{"a":1}},"b":1,"a":2}', true],
    ['{"a":"{\\"a\\":1,\\"a\\":2}","a":3}', true],
    ['{"a":1,"b":2}', false],
    ['{"a":"a","b":"a"}', false],
    ['[{"a":1},{"a":2}]', false],
    ['{"a":{"a":1},"b":{"a":2}}', false],
    ['{"a":"{\\"a\\":1,\\"a\\":2}"}', false],
    ['{"a":"\\\\","b":"\\\\\\""}', false],
    ['{"a":["a","a"],"b":{}}', false],
    [' { "a" : 1 , "b" : [ ] , "c" : { } } ', false],
    ['"a"', false],
    ['[]', false],
    ['{}', false],
    ['{"__proto__":1,"constructor":2}', false],
    ['{"__proto__":1,"__proto__":2}', true],
  ])('%s: %s', (text, expected) => {
    JSON.parse(text); // every case is well-formed JSON
    expect(hasDuplicateJsonKey(text)).toBe(expected);
  });

  it('finds a duplicate under thousands of levels of nesting', () => {
    const depth = 5_000;
    const deep = `${'{"k":['.repeat(depth)}{"a":1,"a":2}${']}'.repeat(depth)}`;
    JSON.parse(deep);
    expect(hasDuplicateJsonKey(deep)).toBe(true);
    expect(hasDuplicateJsonKey(deep.replace('"a":2', '"b":2'))).toBe(false);
  });

  it('is linear: a large body of many keys and long escaped strings is scanned quickly', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `"k${i}":"${'\\\\'.repeat(8)}"`);
    const text = `{${keys.join(',')}}`;
    const escapes = `{"${'\\u0061'.repeat(50_000)}":1,"${'a'.repeat(50_000)}":2}`;
    const started = performance.now();
    expect(hasDuplicateJsonKey(text)).toBe(false);
    expect(hasDuplicateJsonKey(escapes)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
