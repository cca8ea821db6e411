import { describe, expect, it } from 'vitest';
import { ACCESS_MATRIX } from './access-matrix.js';
import { authorize } from './authorize.js';
import { ENVIRONMENTS } from './environment.js';
import { OPERATIONS } from './operation.js';
import { ROLES } from './role.js';

// FR-6.3 as the spec prints it, row by row, so the transcription in ACCESS_MATRIX is checked
// against an independent copy rather than against itself.
const SPEC_TABLE = `
create         | ✅ | ❌ | ❌
read           | ✅ | ❌ | ✅
read_masked    | ✅ | ✅ | ❌
update         | ✅ | ❌ | ❌
delete         | ✅ | ❌ | ❌
list           | ✅ | ❌ | ✅
list_masked    | ✅ | ✅ | ❌
read_audit     | ✅ | ✅ | ❌
administer     | ✅ | ❌ | ❌
`;

const specCells = SPEC_TABLE.trim()
  .split('\n')
  .flatMap((line) => {
    const [operation, ...marks] = line.split('|').map((cell) => cell.trim());
    return ROLES.map((role, column) => ({ operation: operation!, role, allowed: marks[column] === '✅' }));
  });

describe('FR-6.3 access matrix', () => {
  it('covers every operation and role', () => {
    expect(specCells).toHaveLength(OPERATIONS.length * ROLES.length);
  });

  it.each(specCells)('$role may $operation: $allowed', ({ operation, role, allowed }) => {
    expect(ACCESS_MATRIX[operation as keyof typeof ACCESS_MATRIX][role]).toBe(allowed);
    for (const environment of ENVIRONMENTS) {
      const decision = authorize({ role }, operation as keyof typeof ACCESS_MATRIX, {
        environment,
        name: 'KEY',
      });
      expect(decision.allowed).toBe(allowed);
    }
  });

  it('explains a denial by role and operation (FR-6.4)', () => {
    const decision = authorize({ role: 'viewer' }, 'update', { name: 'KEY' });
    expect(decision).toEqual({ allowed: false, reason: "role 'viewer' may not update secrets (admin only)" });
  });
});

describe('administering (tokens, master key)', () => {
  it('is refused to a scoped admin, whatever the scope', () => {
    expect(authorize({ role: 'admin' }, 'administer').allowed).toBe(true);
    for (const scoped of [
      { role: 'admin', environments: ['staging'] },
      { role: 'admin', environments: ['development', 'staging', 'production'] },
      { role: 'admin', secrets: ['*'] },
    ] as const) {
      expect(authorize(scoped, 'administer')).toEqual({
        allowed: false,
        reason: expect.stringContaining('no environment or secret scope'),
      });
    }
  });
});

describe('scopes (R7)', () => {
  const agent = {
    role: 'agent',
    environments: ['production'],
    secrets: ['OPENAI_*', 'DB_PASSWORD'],
  } as const;

  it('lets a scoped agent reach its own environment and secrets', () => {
    expect(authorize(agent, 'read', { environment: 'production', name: 'OPENAI_API_KEY' }).allowed).toBe(
      true,
    );
    expect(authorize(agent, 'read', { environment: 'production', name: 'DB_PASSWORD' }).allowed).toBe(true);
  });

  it.each(['development', 'staging'] as const)(
    'keeps a production agent out of %s (FR-9.4)',
    (environment) => {
      const decision = authorize(agent, 'read', { environment, name: 'OPENAI_API_KEY' });
      expect(decision.allowed).toBe(false);
      expect(decision.allowed || decision.reason).toContain(`may not reach '${environment}'`);
    },
  );

  it('keeps an agent away from secrets outside its patterns', () => {
    const decision = authorize(agent, 'read', { environment: 'production', name: 'STRIPE_KEY' });
    expect(decision.allowed).toBe(false);
    expect(decision.allowed || decision.reason).toContain("'OPENAI_*', 'DB_PASSWORD'");
  });

  it('scopes admins too, and checks the role first', () => {
    const stagingAdmin = { role: 'admin', environments: ['staging'] } as const;
    expect(authorize(stagingAdmin, 'delete', { environment: 'staging' }).allowed).toBe(true);
    expect(authorize(stagingAdmin, 'delete', { environment: 'production' }).allowed).toBe(false);
    const decision = authorize({ role: 'viewer', environments: ['staging'] }, 'create', {
      environment: 'production',
    });
    expect(decision.allowed || decision.reason).toContain("role 'viewer'");
  });

  it('treats an empty scope as reaching nothing', () => {
    expect(
      authorize({ role: 'agent', environments: [] }, 'list', { environment: 'production' }).allowed,
    ).toBe(false);
    expect(authorize({ role: 'agent', secrets: [] }, 'read', { name: 'A' }).allowed).toBe(false);
  });
});
