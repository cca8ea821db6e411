import { describe, expect, it } from 'vitest';
import { listOperation, readOperation } from './value-access.js';

describe('which FR-6.3 row a call falls under', () => {
  it.each([
    ['admin', {}, 'read'],
    ['admin', { masked: true }, 'read_masked'],
    ['viewer', {}, 'read_masked'],
    ['viewer', { masked: false }, 'read'],
    ['agent', {}, 'read'],
    ['agent', { masked: true }, 'read_masked'],
  ] as const)('get by %s %o is %s', (role, options, operation) => {
    expect(readOperation(role, options)).toBe(operation);
  });

  it.each([
    ['admin', {}, 'list_masked'],
    ['admin', { reveal: true }, 'list'],
    ['viewer', {}, 'list_masked'],
    ['viewer', { reveal: true }, 'list'],
    ['agent', {}, 'list'],
    ['agent', { masked: true }, 'list_masked'],
  ] as const)('list by %s %o is %s', (role, options, operation) => {
    expect(listOperation(role, options)).toBe(operation);
  });
});
