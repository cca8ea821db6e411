import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openRemoteSource } from './remote-source.js';

const TOKEN = `iron_0123456789ab_${'A'.repeat(43)}`;
let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

/** A stand-in for the HTTP API's three routes, checking the token like the API does. */
async function fakeApi(
  onEvents: (send: (event: string) => void) => void,
): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response.writeHead(401).end();
      return;
    }
    if (request.url === '/api/session') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ role: 'agent' }));
    } else if (request.url === '/api/secrets?environment=production') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify([{ name: 'OPENAI_API_KEY', environment: 'production', value: 'sk-remote-1' }]),
      );
    } else if (request.url === '/api/secrets/events?environment=production') {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(': keep-alive\n\n');
      onEvents((event) => response.write(`event: ${event}\ndata: {"name":"OPENAI_API_KEY"}\n\n`));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen };
}

describe('openRemoteSource', () => {
  it('reads values with the token in the Authorization header, never in the URL', async () => {
    const api = await fakeApi(() => {});
    const source = openRemoteSource({ server: api.url, token: TOKEN, environment: 'production' });
    expect(await source.fetch()).toEqual(new Map([['OPENAI_API_KEY', 'sk-remote-1']]));
    expect(api.seen.join('\n')).not.toContain(TOKEN);
  });

  it('calls onChange on connecting and for secret events from the event stream, not for keep-alives', async () => {
    const api = await fakeApi((send) => setTimeout(() => send('secret.updated'), 50));
    const source = openRemoteSource({ server: api.url, token: TOKEN, environment: 'production' });
    let changes = 0;
    const stop = source.watch(
      () => {
        changes += 1;
      },
      () => {},
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    stop();
    // One for the connection (what changed before it), one for the event.
    expect(changes).toBe(2);
  });

  it('looks again after every reconnection: a rotation while the stream was down is not lost', async () => {
    let connections = 0;
    const api = await fakeApi(() => {
      connections += 1;
      // The server drops the stream at once: whatever happens until the next connection sends
      // no event to this client.
      setTimeout(() => server?.closeAllConnections(), 20);
    });
    const source = openRemoteSource({ server: api.url, token: TOKEN, environment: 'production' });
    let changes = 0;
    const stop = source.watch(
      () => {
        changes += 1;
      },
      () => {},
    );
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    stop();
    expect(connections).toBeGreaterThanOrEqual(2);
    expect(changes).toBe(connections);
  });

  it('reconnects an event stream that goes silent (no event, no keep-alive), and looks again', async () => {
    let connections = 0;
    server = createServer((request, response) => {
      if (request.url?.startsWith('/api/secrets/events')) {
        connections += 1;
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(': keep-alive\n\n'); // then nothing, for ever
      } else {
        response.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const source = openRemoteSource({
      server: url,
      token: TOKEN,
      environment: 'production',
      eventSilenceMs: 200,
    });
    let changes = 0;
    const errors: string[] = [];
    const stop = source.watch(
      () => {
        changes += 1;
      },
      (error) => errors.push(String(error)),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    stop();
    expect(connections).toBeGreaterThanOrEqual(2);
    expect(changes).toBe(connections);
    expect(errors[0]).toMatch(/sent nothing for 0.2 s; reconnecting/);
  });

  it('leaves out what a hostile server sends that cannot be an environment variable, naming it, never its value', async () => {
    server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      if (request.url === '/api/session') return void response.end('{"role":"agent"}');
      response.end(
        JSON.stringify([
          { name: 'API_KEY', value: 'abc\u0000def-hidden' },
          null,
          5,
          { name: 'LONE', value: 'x\ud800y-hidden' },
          { name: 'GOOD_KEY', value: 'sk-good-value-1' },
        ]),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const warnings: string[] = [];
    const source = openRemoteSource({
      server: url,
      token: TOKEN,
      environment: 'production',
      onWarning: (message) => warnings.push(message),
    });
    expect(await source.fetch()).toEqual(new Map([['GOOD_KEY', 'sk-good-value-1']]));
    expect(warnings.join('\n')).toMatch(/API_KEY is not injected: its value holds a NUL byte/);
    expect(warnings.join('\n')).toMatch(/LONE is not injected: its value is not well-formed/);
    expect(warnings.join('\n')).not.toContain('hidden');
  });

  it('gives up on a server that does not answer, instead of waiting for ever', async () => {
    server = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const source = openRemoteSource({
      server: url,
      token: TOKEN,
      environment: 'production',
      fetchTimeoutMs: 200,
    });
    await expect(source.fetch()).rejects.toThrow(/timeout|aborted/i);
  });

  it('reports a refused token, and refuses a server that is not http(s)', async () => {
    const api = await fakeApi(() => {});
    const source = openRemoteSource({ server: api.url, token: 'wrong', environment: 'production' });
    await expect(source.fetch()).rejects.toThrow(/401/);
    expect(() =>
      openRemoteSource({ server: 'file:///etc', token: TOKEN, environment: 'production' }),
    ).toThrow(/http/);
  });
});
