/**
 * FR-6.3 over HTTP: every route x role x environment, generated from the library's ACCESS_MATRIX,
 * not written cell by cell. Allowed cells answer 2xx; refused ones 403 with ACCESS_DENIED, audited,
 * and change nothing.
 */
import { ACCESS_MATRIX, ENVIRONMENTS, type Environment, ROLES, type Role } from '@iron/secrets-core';
import { describe, expect, it } from 'vitest';
import type { ApiApp } from './app.js';
import { call, testApi } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';

/** Each FR-6.3 operation as an HTTP request. */
const REQUEST: Record<string, (app: ApiApp, token: string, environment: Environment) => Promise<Response>> = {
  create: (app, token, environment) =>
    call(app, 'POST', '/api/secrets', {
      token,
      body: { name: 'NEW_KEY', value: 'new-value-1', environment },
    }),
  read: (app, token, environment) =>
    call(app, 'GET', `/api/secrets/KEY?environment=${environment}`, { token }),
  read_masked: (app, token, environment) =>
    call(app, 'GET', `/api/secrets/KEY?environment=${environment}`, { token }),
  update: (app, token, environment) =>
    call(app, 'PUT', '/api/secrets/KEY', { token, body: { value: 'updated-value', environment } }),
  delete: (app, token, environment) =>
    call(app, 'DELETE', `/api/secrets/KEY?environment=${environment}`, { token }),
  list: (app, token, environment) =>
    call(app, 'GET', `/api/secrets?environment=${environment}&reveal=true`, { token }),
  list_masked: (app, token, environment) =>
    call(app, 'GET', `/api/secrets?environment=${environment}`, { token }),
  read_audit: (app, token, environment) =>
    call(app, 'GET', `/api/secrets/audit?environment=${environment}`, { token }),
};

/** How each role's token is scoped in testApi: agents to production only (R7). */
const reaches = (role: Role, environment: Environment) => role !== 'agent' || environment === 'production';

/**
 * HTTP has one GET for a value and one for a list; what a role gets from it is the FR-6.3 cell of
 * its kind: a viewer's GET is read_masked (allowed), an agent's is read (allowed). The plain
 * list is list for agents and list_masked for others.
 */
function expected(operation: string, role: Role, environment: Environment): boolean {
  if (!reaches(role, environment)) return false;
  if (operation === 'read' || operation === 'read_masked')
    return role === 'viewer' ? true : ACCESS_MATRIX.read[role];
  if (operation === 'list_masked')
    return role === 'agent' ? ACCESS_MATRIX.list.agent : ACCESS_MATRIX.list_masked[role];
  return ACCESS_MATRIX[operation as keyof typeof ACCESS_MATRIX][role];
}

const cells = Object.keys(REQUEST).flatMap((operation) =>
  ROLES.flatMap((role) => ENVIRONMENTS.map((environment) => ({ operation, role, environment }))),
);

describe('FR-6.3 over HTTP: every route x role x environment', () => {
  it.each(cells)('$role $operation in $environment', async ({ operation, role, environment }) => {
    const { app, manager, tokens } = await testApi();
    await manager.createSecret('KEY', VALUE, environment);
    const response = await REQUEST[operation]!(app, tokens[role], environment);
    const allowed = expected(operation, role, environment);
    if (allowed) {
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(300);
      const text = await response.text();
      // Viewers never see a value; agents see full values.
      if (role === 'viewer') expect(text).not.toContain(VALUE);
      if (role === 'agent' && (operation === 'read' || operation.startsWith('list')))
        expect(text).toContain(VALUE);
    } else {
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'ACCESS_DENIED' } });
      if (operation !== 'read_audit') {
        expect((await manager.auditLog()).at(-1)).toMatchObject({ success: false, requesterRole: role });
      }
      expect(await manager.getSecret('KEY', 'admin', { environment })).toBe(VALUE);
      expect((await manager.listSecrets('admin', environment)).map((s) => s.name)).toEqual(['KEY']);
    }
  });

  it('an admin token scoped to staging reaches staging only', async () => {
    const { app, manager, tokens } = await testApi();
    await manager.createSecret('KEY', VALUE, 'production');
    await manager.createSecret('KEY', VALUE, 'staging');
    expect(
      (await call(app, 'GET', '/api/secrets/KEY?environment=staging', { token: tokens.stagingAdmin })).status,
    ).toBe(200);
    expect(
      (await call(app, 'GET', '/api/secrets/KEY?environment=production', { token: tokens.stagingAdmin }))
        .status,
    ).toBe(403);
  });
});
