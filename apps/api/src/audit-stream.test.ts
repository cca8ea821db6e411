/**
 * Issue 14, finding 5: `GET /api/secrets/audit/stream`, the audit trail as server-sent events as
 * it is written, resumable by entry id, for admins and viewers only.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSse } from './sse-test-support.js';
import { call, json, testApi } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';
const STREAM = '/api/secrets/audit/stream';

afterEach(() => {
  vi.useRealTimers();
});

describe('GET /api/secrets/audit/stream', () => {
  it('sends each new entry as it commits: id = entry id, data = the entry as GET /audit has it, no value', async () => {
    const { app, manager, tokens } = await testApi();
    await manager.createSecret('BEFORE', VALUE, 'production'); // before the stream: not sent
    const response = await call(app, 'GET', STREAM, { token: tokens.viewer });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = readSse(response);
    await manager.createSecret('KEY', VALUE, 'production');
    await manager.getSecret('KEY', 'agent', { environment: 'production' });
    await expect.poll(() => sse.events.length, { timeout: 2_000 }).toBe(2);
    const trail = await json(await call(app, 'GET', '/api/secrets/audit', { token: tokens.admin }));
    expect(sse.events.map((e) => e.event)).toEqual(['audit.entry', 'audit.entry']);
    expect(sse.events.map((e) => JSON.parse(e.data))).toEqual(trail.slice(-2));
    expect(sse.events.map((e) => e.id)).toEqual(trail.slice(-2).map((e: { id: number }) => String(e.id)));
    expect(sse.text()).not.toContain(VALUE);
    await sse.cancel();
  });

  it('resumes after ?after=ID, and after Last-Event-ID, which wins: nothing missed, nothing twice', async () => {
    const { app, manager, tokens } = await testApi();
    for (const name of ['A', 'B', 'C']) await manager.createSecret(name, VALUE, 'staging');
    const trail = await json(await call(app, 'GET', '/api/secrets/audit', { token: tokens.admin }));
    const ids: number[] = trail.map((e: { id: number }) => e.id);

    const fromQuery = readSse(
      await call(app, 'GET', `${STREAM}?after=${ids.at(-3)}`, { token: tokens.admin }),
    );
    await expect.poll(() => fromQuery.events.map((e) => Number(e.id))).toEqual(ids.slice(-2));
    await fromQuery.cancel();

    // EventSource reconnects to the same URL, with the last id it saw in Last-Event-ID.
    const reconnected = readSse(
      await call(app, 'GET', `${STREAM}?after=${ids.at(-3)}`, {
        token: tokens.admin,
        headers: { 'last-event-id': String(ids.at(-1)) },
      }),
    );
    await manager.createSecret('D', VALUE, 'staging');
    await expect.poll(() => reconnected.events.length, { timeout: 2_000 }).toBe(1);
    expect(JSON.parse(reconnected.events[0]!.data)).toMatchObject({ secret_name: 'D', operation: 'CREATE' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reconnected.events).toHaveLength(1);
    await reconnected.cancel();
  });

  it('keeps to a scoped viewer’s environments, and filters by environment and secret name', async () => {
    const { app, manager } = await testApi();
    const { token } = await manager.createToken({ role: 'viewer', environments: ['staging'] });
    const sse = readSse(await call(app, 'GET', STREAM, { token }));
    const filtered = readSse(
      await call(app, 'GET', `${STREAM}?environment=staging&secret_name=S2`, { token }),
    );
    await manager.createSecret('P', VALUE, 'production');
    await manager.createSecret('S', VALUE, 'staging');
    await manager.createSecret('S2', VALUE, 'staging');
    await expect.poll(() => sse.events.map((e) => JSON.parse(e.data).secret_name)).toEqual(['S', 'S2']);
    await expect.poll(() => filtered.events.map((e) => JSON.parse(e.data).secret_name)).toEqual(['S2']);
    await sse.cancel();
    await filtered.cancel();
  });

  it('refuses agents (403), requests without a token (401) and a bad position (400)', async () => {
    const { app, tokens } = await testApi();
    const agent = await call(app, 'GET', STREAM, { token: tokens.agent });
    expect(agent.status).toBe(403);
    expect((await json(agent)).error.code).toBe('ACCESS_DENIED');
    expect((await call(app, 'GET', STREAM)).status).toBe(401);
    for (const bad of [
      '?after=-1',
      '?after=abc',
      '?after=99999999999999999',
      '?environment=prod',
      '?other=1',
    ]) {
      expect((await call(app, 'GET', `${STREAM}${bad}`, { token: tokens.viewer })).status, bad).toBe(400);
    }
    const header = await call(app, 'GET', STREAM, {
      token: tokens.viewer,
      headers: { 'last-event-id': 'x' },
    });
    expect(header.status).toBe(400);
  });

  it('sends a keep-alive comment every 15 s while nothing happens', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { app, tokens } = await testApi();
    const sse = readSse(await call(app, 'GET', STREAM, { token: tokens.viewer }));
    await vi.advanceTimersByTimeAsync(15_000);
    await expect.poll(() => sse.comments).toEqual([': keep-alive']);
    expect(sse.events).toEqual([]);
    await sse.cancel();
  });
});
