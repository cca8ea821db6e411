/**
 * Issue 16 over HTTP: GET answers the secret's `ETag`, PUT honours `If-Match` (412
 * PRECONDITION_FAILED when the secret moved, `*` for "exists") and answers the new `ETag`.
 */
import { describe, expect, it } from 'vitest';
import { call, json, testApi } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';

async function withSecret() {
  const api = await testApi();
  const created = await call(api.app, 'POST', '/api/secrets', {
    token: api.tokens.admin,
    body: { name: 'KEY', value: VALUE, environment: 'production' },
  });
  expect(created.status).toBe(201);
  return api;
}

describe('ETag and If-Match', () => {
  it('GET gives the tag, PUT with it writes and answers the next one, the old one is 412', async () => {
    const { app, tokens } = await withSecret();
    const read = await call(app, 'GET', '/api/secrets/KEY?environment=production', { token: tokens.admin });
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    // A viewer's masked read carries the same tag: it names the state, not the value.
    const viewed = await call(app, 'GET', '/api/secrets/KEY?environment=production', {
      token: tokens.viewer,
    });
    expect(viewed.headers.get('etag')).toBe(etag);

    const put = await call(app, 'PUT', '/api/secrets/KEY', {
      token: tokens.admin,
      headers: { 'if-match': etag },
      body: { value: 'second-value', environment: 'production' },
    });
    expect(put.status).toBe(200);
    const next = put.headers.get('etag')!;
    expect(next).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(next).not.toBe(etag);
    const again = await call(app, 'GET', '/api/secrets/KEY?environment=production', { token: tokens.admin });
    expect(again.headers.get('etag')).toBe(next);

    const stale = await call(app, 'PUT', '/api/secrets/KEY', {
      token: tokens.admin,
      headers: { 'if-match': etag },
      body: { value: 'third-value', environment: 'production' },
    });
    expect(stale.status).toBe(412);
    expect((await json(stale)).error.code).toBe('PRECONDITION_FAILED');
    expect((await json(again)).value).toBe('second-value');

    // A plain PUT (no If-Match) is last-writer-wins, as before.
    const plain = await call(app, 'PUT', '/api/secrets/KEY', {
      token: tokens.admin,
      body: { value: 'fourth-value', environment: 'production' },
    });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('etag')).toMatch(/^"/);
  });

  it('If-Match: * means "exists"; a missing secret with If-Match is 412', async () => {
    const { app, tokens } = await withSecret();
    const star = await call(app, 'PUT', '/api/secrets/KEY', {
      token: tokens.admin,
      headers: { 'if-match': '*' },
      body: { value: 'second-value' },
    });
    expect(star.status).toBe(200);
    const missing = await call(app, 'PUT', '/api/secrets/MISSING', {
      token: tokens.admin,
      headers: { 'if-match': '*' },
      body: { value: 'second-value', environment: 'production' },
    });
    expect(missing.status).toBe(412);
    expect((await json(missing)).error.code).toBe('PRECONDITION_FAILED');
  });

  it('a tag of another secret, or of a deleted and re-created one, is 412', async () => {
    const { app, tokens } = await withSecret();
    await call(app, 'POST', '/api/secrets', {
      token: tokens.admin,
      body: { name: 'OTHER', value: VALUE, environment: 'production' },
    });
    const other = (
      await call(app, 'GET', '/api/secrets/OTHER?environment=production', { token: tokens.admin })
    ).headers.get('etag')!;
    const put = (ifMatch: string) =>
      call(app, 'PUT', '/api/secrets/KEY', {
        token: tokens.admin,
        headers: { 'if-match': ifMatch },
        body: { value: 'second-value' },
      });
    expect((await put(other)).status).toBe(412);
    const before = (
      await call(app, 'GET', '/api/secrets/KEY?environment=production', { token: tokens.admin })
    ).headers.get('etag')!;
    await call(app, 'DELETE', '/api/secrets/KEY?environment=production', { token: tokens.admin });
    await call(app, 'POST', '/api/secrets', {
      token: tokens.admin,
      body: { name: 'KEY', value: VALUE, environment: 'production' },
    });
    const after = (
      await call(app, 'GET', '/api/secrets/KEY?environment=production', { token: tokens.admin })
    ).headers.get('etag')!;
    expect(after).not.toBe(before);
    expect((await put(before)).status).toBe(412);
    expect((await put(after)).status).toBe(200);
  });

  it('a malformed, quoted-garbage or overlong If-Match is 400 or 412, never 500, and never echoed', async () => {
    const { app, tokens, log } = await withSecret();
    for (const ifMatch of [
      '"unterminated',
      'garbage with spaces',
      '"a" "b"',
      ',',
      '"\u00e9"',
      `"${'a'.repeat(5000)}"`,
      'W/"weak"',
      '"sk-proj-not-a-tag"',
    ]) {
      const response = await call(app, 'PUT', '/api/secrets/KEY', {
        token: tokens.admin,
        headers: { 'if-match': ifMatch },
        body: { value: 'second-value' },
      });
      expect([400, 412], ifMatch.slice(0, 40)).toContain(response.status);
      const body = await json(response);
      expect(body.error.code).toMatch(/^(INVALID_ARGUMENT|INVALID_REQUEST|PRECONDITION_FAILED)$/);
      expect(JSON.stringify(body)).not.toContain('aaaaaaaaaa');
      expect(JSON.stringify(body)).not.toContain('sk-proj');
    }
    expect(log.join('\n')).not.toContain('aaaaaaaaaa');
    const read = await call(app, 'GET', '/api/secrets/KEY?environment=production', { token: tokens.admin });
    expect((await json(read)).value).toBe(VALUE);
  });

  it('a viewer with the right tag is still 403; a settings-only PUT takes If-Match', async () => {
    const { app, tokens } = await withSecret();
    const etag = (
      await call(app, 'GET', '/api/secrets/KEY?environment=production', { token: tokens.viewer })
    ).headers.get('etag')!;
    const viewer = await call(app, 'PUT', '/api/secrets/KEY', {
      token: tokens.viewer,
      headers: { 'if-match': etag },
      body: { value: 'second-value' },
    });
    expect(viewer.status).toBe(403);
    const agent = await call(app, 'PUT', '/api/secrets/KEY', {
      token: tokens.agent,
      headers: { 'if-match': etag },
      body: { value: 'second-value', environment: 'production' },
    });
    expect(agent.status).toBe(403);
    // An empty If-Match names no state at all: refused as malformed, not taken as "no condition".
    const empty = await call(app, 'PUT', '/api/secrets/KEY', {
      token: tokens.admin,
      headers: { 'if-match': '' },
      body: { value: 'second-value' },
    });
    expect(empty.status).toBe(400);
    expect((await json(empty)).error.code).toBe('INVALID_ARGUMENT');
    const settings = await call(app, 'PUT', '/api/secrets/KEY', {
      token: tokens.admin,
      headers: { 'if-match': etag },
      body: { rotate_every: '30d' },
    });
    expect(settings.status).toBe(200);
    expect((await json(settings)).rotate_every_seconds).toBe(2_592_000);
    const stale = await call(app, 'PUT', '/api/secrets/KEY', {
      token: tokens.admin,
      headers: { 'if-match': etag },
      body: { rotate_every: '60d' },
    });
    expect(stale.status).toBe(412);
  });
});
