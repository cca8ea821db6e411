import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION_DAYS, retentionCutoff } from './retention.js';

describe('audit retention (FR-8.5)', () => {
  it('defaults to 90 days', () => {
    expect(DEFAULT_RETENTION_DAYS).toBe(90);
    expect(retentionCutoff(1_700_000_000)).toBe(1_700_000_000 - 90 * 86_400);
  });

  it('is configurable', () => {
    expect(retentionCutoff(1_700_000_000, 7)).toBe(1_700_000_000 - 7 * 86_400);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s days', (days) => {
    expect(() => retentionCutoff(1_700_000_000, days)).toThrow(/whole number of days/);
  });
});
