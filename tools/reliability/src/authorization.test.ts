/**
 * Authorization over HTTP, generated: every secret route and the audit log, for every role, every environment scope
 * and every secret-name scope a token can carry, in every environment. The expectation comes from
 * the FR-6.3 table as data (ACCESS_MATRIX) and the R7 scope rules stated here; nothing is written
 * cell by cell. An allowed request succeeds (a listing shows exactly the names in scope); a
 * refused one is 403 ACCESS_DENIED and changes nothing.
 */

import { createApi } from '@iron/secrets-api';
import {
  ACCESS_MATRIX,
  type CreatedToken,
  ENVIRONMENTS,
  type Environment,
  ROLES,
  type Role,
  SecretsManager,
} from '@iron/secrets-core';
import { describe, expect, it } from 'vitest';
import { needle, secretValue } from './evidence.js';
import { database, masterKey } from './support.js';

/** The secret every cell targets, and a second one outside the narrower name scope. */
const TARGET = 'KEY';
const OTHER = 'OTHER_KEY';
const CREATED = 'KEY_NEW';

const ENVIRONMENT_SCOPES: readonly (readonly Environment[] | undefined)[] = [
  undefined,
  ['production'],
  ['staging'],
];
const NAME_SCOPES: readonly (readonly string[] | undefined)[] = [undefined, ['KEY*'], ['OTHER_*']];

const OPERATIONS = ['create', 'read', 'update', 'delete', 'list', 'read_audit'] as const;
type Operation = (typeof OPERATIONS)[number];

/** R7: a name scope is a list of globs, `*` standing for any run of characters. */
const nameInScope = (scope: readonly string[] | undefined, name: string) =>
  scope === undefined ||
  scope.some((glob) =>
    new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(name),
  );

/** The FR-6.3 cell of an HTTP operation for a role: a viewer's GET and list are the masked kinds. */
function matrixAllows(operation: Operation, role: Role): boolean {
  if (operation === 'read')
    return role === 'viewer' ? ACCESS_MATRIX.read_masked.viewer : ACCESS_MATRIX.read[role];
  if (operation === 'list')
    return role === 'agent' ? ACCESS_MATRIX.list.agent : ACCESS_MATRIX.list_masked[role];
  return ACCESS_MATRIX[operation][role];
}

const cells = ROLES.flatMap((role) =>
  ENVIRONMENT_SCOPES.flatMap((environments) =>
    // R7: an agent token always names its environments.
    role === 'agent' && environments === undefined
      ? []
      : NAME_SCOPES.map((secrets) => ({ role, environments, secrets })),
  ),
);

describe('authorization over HTTP, generated from FR-6.3 and R7', () => {
  it(`${cells.length} token scopes x ${OPERATIONS.length} operations x ${ENVIRONMENTS.length} environments`, async () => {
    const db = await database('sqlite');
    const manager = await SecretsManager.open({ database: db.location, masterKey: masterKey() });
    const values = new Map<string, string>();
    const seed = async (environment: Environment, name: string) => {
      const value = secretValue('authz');
      values.set(`${environment}/${name}`, value);
      await manager.setSecret(name, value, environment);
    };
    try {
      for (const environment of ENVIRONMENTS)
        for (const name of [TARGET, OTHER]) await seed(environment, name);
      const app = createApi({ manager });
      let checked = 0;
      let allowedCount = 0;
      for (const cell of cells) {
        const created: CreatedToken = await manager.createToken({
          role: cell.role,
          ...(cell.environments ? { environments: [...cell.environments] } : {}),
          ...(cell.secrets ? { secrets: [...cell.secrets] } : {}),
          ...(cell.role === 'agent' ? { agentId: 'authz-bot' } : {}),
        });
        needle(created.token);
        const headers = { authorization: `Bearer ${created.token}`, 'content-type': 'application/json' };
        for (const operation of OPERATIONS) {
          for (const environment of ENVIRONMENTS) {
            const label = `${cell.role} env=${cell.environments?.join(',') ?? '*'} names=${cell.secrets?.join(',') ?? '*'} ${operation} in ${environment}`;
            const inEnvironment = cell.environments === undefined || cell.environments.includes(environment);
            const name = operation === 'create' ? CREATED : TARGET;
            const allowed =
              matrixAllows(operation, cell.role) &&
              inEnvironment &&
              // Listings and the audit log are filtered by name scope rather than refused.
              (operation === 'list' || operation === 'read_audit' || nameInScope(cell.secrets, name));
            const before = await snapshot(manager);
            const newValue = secretValue('authz');
            const request =
              operation === 'create'
                ? app.request('/api/secrets', {
                    method: 'POST',
                    headers,
                    body: JSON.stringify({ name, value: newValue, environment }),
                  })
                : operation === 'read'
                  ? app.request(`/api/secrets/${name}?environment=${environment}`, { headers })
                  : operation === 'update'
                    ? app.request(`/api/secrets/${name}`, {
                        method: 'PUT',
                        headers,
                        body: JSON.stringify({ value: newValue, environment }),
                      })
                    : operation === 'delete'
                      ? app.request(`/api/secrets/${name}?environment=${environment}`, {
                          method: 'DELETE',
                          headers,
                        })
                      : operation === 'list'
                        ? app.request(`/api/secrets?environment=${environment}`, { headers })
                        : app.request(`/api/secrets/audit?environment=${environment}&limit=1000`, {
                            headers,
                          });
            const response = await request;
            const body = await response.text();
            checked += 1;
            if (!allowed) {
              expect(response.status, label).toBe(403);
              expect(JSON.parse(body), label).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
              expect(await snapshot(manager), `${label}: changed nothing`).toEqual(before);
              continue;
            }
            allowedCount += 1;
            expect(response.status, `${label}: ${body}`).toBeLessThan(300);
            if (operation === 'list') {
              const names = (JSON.parse(body) as { name: string }[]).map((s) => s.name).sort();
              expect(names, label).toEqual(
                [OTHER, TARGET].filter((n) => nameInScope(cell.secrets, n)).sort(),
              );
            }
            if (operation === 'read_audit') {
              // Only entries of the token's scope: its environment and the names it reaches.
              const entries = JSON.parse(body) as { secret_name: string; environment: string | null }[];
              expect(entries.length, label).toBeGreaterThan(0);
              for (const entry of entries) {
                expect(entry.environment, label).toBe(environment);
                expect(nameInScope(cell.secrets, entry.secret_name), `${label}: ${entry.secret_name}`).toBe(
                  true,
                );
              }
            }
            if (operation === 'read' && cell.role !== 'viewer') {
              expect(JSON.parse(body).value, label).toBe(values.get(`${environment}/${name}`));
            }
            if (cell.role === 'viewer') {
              for (const value of values.values())
                expect(body, `${label}: a viewer never sees a value`).not.toContain(value);
            }
            // Put things back as they were for the next cell.
            if (operation === 'create') await manager.deleteSecret(CREATED, { environment });
            if (operation === 'update') values.set(`${environment}/${name}`, newValue);
            if (operation === 'delete') await seed(environment, TARGET);
          }
        }
      }
      process.stderr.write(
        `authorization: ${checked} requests, ${allowedCount} allowed, ${checked - allowedCount} refused\n`,
      );
    } finally {
      await manager.close();
    }
  }, 300_000);
});

/** Every secret's name, environment and version: what a refused request must leave alone. */
async function snapshot(manager: SecretsManager): Promise<string[]> {
  const rows: string[] = [];
  for (const environment of ENVIRONMENTS) {
    for (const secret of await manager.listSecrets('admin', environment, { masked: true })) {
      rows.push(`${environment}/${secret.name}@${secret.updatedAt.getTime()}`);
    }
  }
  return rows.sort();
}
