/**
 * Finding 7 of issue 14: authentication is the default for every `/api/*` route, not something
 * each route prefix opts into; only the routes in PUBLIC_ROUTES answer without a token.
 */
import { describe, expect, it } from 'vitest';
import { MAX_FAILURES } from './auth.js';
import { PUBLIC_ROUTES } from './public-routes.js';
import { call, testApi } from './test-support.js';

describe('authentication by default', () => {
  it('an unknown /api route is 401 without a token and 404 with a valid one', async () => {
    const { app, tokens } = await testApi();
    for (const path of ['/api/nope', '/api', '/api/', '/api/secrets/a/b/c', '/api/admin/tokens']) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const anonymous = await call(app, method, path);
        expect(anonymous.status, `${method} ${path}`).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
        // A POST carries a JSON body: without one it would be refused (415) before routing.
        const body = method === 'POST' ? {} : undefined;
        const known = await call(app, method, path, { token: tokens.viewer, body });
        expect(known.status, `${method} ${path}`).toBe(404);
      }
    }
  });

  it('every registered route outside PUBLIC_ROUTES refuses a request without a token', async () => {
    const { app } = await testApi();
    const routes = app.routes.filter((route) => route.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(10);
    for (const { method, path } of routes) {
      const concrete = path.replace(':name', 'SOME_NAME');
      const response = await call(app, method, concrete);
      if (PUBLIC_ROUTES.includes(path)) expect(response.status, `${method} ${path}`).toBeLessThan(400);
      else expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  it('every public route is served without a token', async () => {
    const { app } = await testApi();
    for (const path of PUBLIC_ROUTES) {
      for (const method of ['GET', 'HEAD']) {
        expect((await call(app, method, path)).status, `${method} ${path}`).toBe(200);
      }
      // Public to read, not to anything else.
      expect((await call(app, 'POST', path, { body: {} })).status, `POST ${path}`).toBe(401);
    }
  });

  it('no spelling of a protected path passes as public', async () => {
    const { app } = await testApi();
    for (const path of [
      '/healthz/',
      '/HEALTHZ',
      '/docs/../api/openapi.json',
      '/%2Fapi/secrets',
      '//healthz',
    ]) {
      expect((await call(app, 'GET', path)).status, path).toBe(401);
    }
  });

  it('a request without any credentials is refused but not counted as a failed guess', async () => {
    const { app, tokens } = await testApi();
    // Many anonymous requests (a browser's /favicon.ico, a client that forgot its token, all
    // behind one proxy address) must not lock that address's token holders out.
    for (let i = 0; i < MAX_FAILURES + 5; i += 1)
      expect((await call(app, 'GET', '/favicon.ico')).status).toBe(401);
    expect((await call(app, 'GET', '/api/session', { token: tokens.viewer })).status).toBe(200);
    // A wrong token presented is a guess, and counts: the guesses are slowed down (429), the
    // address's valid tokens are not.
    for (let i = 0; i < MAX_FAILURES; i += 1) await call(app, 'GET', '/api/session', { token: 'iron_wrong' });
    expect((await call(app, 'GET', '/api/session', { token: 'iron_wrong' })).status).toBe(429);
    expect((await call(app, 'GET', '/api/session', { token: tokens.viewer })).status).toBe(200);
  });

  it('the public routes are the health checks, the panel and its reference page, and nothing under /api', () => {
    expect([...PUBLIC_ROUTES].sort()).toEqual(
      [
        '/',
        '/docs',
        '/healthz',
        '/livez',
        '/panel/api-docs.js',
        '/panel/panel.css',
        '/panel/panel.js',
      ].sort(),
    );
    expect(PUBLIC_ROUTES.some((path) => path.startsWith('/api'))).toBe(false);
  });
});
