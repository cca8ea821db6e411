import { MAX_SECRET_NAME_LENGTH as CORE_MAX, SECRET_NAME_PATTERN as CORE_PATTERN } from '@iron/secrets-core';
import { describe, expect, it } from 'vitest';
import { isApplicableSecretName, MAX_SECRET_NAME_LENGTH, SECRET_NAME_PATTERN } from './agent-names.js';

describe('agent-names', () => {
  it("repeats core's name rule exactly", () => {
    expect(SECRET_NAME_PATTERN.source).toBe(CORE_PATTERN.source);
    expect(SECRET_NAME_PATTERN.flags).toBe(CORE_PATTERN.flags);
    expect(MAX_SECRET_NAME_LENGTH).toBe(CORE_MAX);
  });

  it('applies valid names only', () => {
    for (const name of ['OPENAI_API_KEY', '_X', 'a1', 'A'.repeat(256)])
      expect(isApplicableSecretName(name)).toBe(true);
    for (const name of ['', '1A', 'bad-name', 'A B', 'A\nB', 'É', 'A'.repeat(257), 'X\u0000']) {
      expect(isApplicableSecretName(name), JSON.stringify(name)).toBe(false);
    }
  });
});
