/**
 * Draining (issue 14, finding 10): once `close()` starts, keep-alive clients must be told to
 * reconnect (`Connection: close`) rather than reuse a connection that is about to be cut, idle
 * keep-alive connections close at once, and requests in flight still finish.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import { SecretsManager } from '@iron/secrets-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './server.js';

const VALUE = 'sk-proj-draining-value-0001';
const agents: http.Agent[] = [];
afterEach(() => {
  for (const agent of agents.splice(0)) agent.destroy();
});

/** A keep-alive client with one connection, as a load balancer's or an SDK's pool would hold. */
function keepAliveClient(): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  return agent;
}

interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
  readonly socket: Socket;
}

function request(
  url: string,
  agent: http.Agent,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let socket: Socket;
    const sent = http.request(
      `${url}${path}`,
      {
        method,
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            socket,
          }),
        );
      },
    );
    sent.once('socket', (assigned: Socket) => {
      socket = assigned;
    });
    sent.on('error', reject);
    sent.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('draining the server (issue 14, finding 10)', () => {
  it('answers requests in flight with Connection: close, closes idle keep-alive connections, refuses new ones', async () => {
    const manager = await SecretsManager.open({
      database: ':memory:',
      masterKey: randomBytes(32).toString('base64'),
    });
    const { token } = await manager.createToken({ role: 'admin' });
    await manager.createSecret('KEY', VALUE, 'production');
    const server = await startServer({ manager, port: 0 });

    // A client whose keep-alive connection is idle when draining starts.
    const idleClient = keepAliveClient();
    const before = await request(
      server.url,
      idleClient,
      token,
      'GET',
      '/api/secrets/KEY?environment=production',
    );
    expect(before).toMatchObject({ status: 200, connection: 'keep-alive' });
    const idleClosed = new Promise<void>((resolve) => before.socket.once('close', () => resolve()));

    // A client whose request is in its handler when draining starts.
    const create = manager.createSecretDescribed.bind(manager);
    let inHandler: () => void = () => {};
    const handling = new Promise<void>((resolve) => {
      inHandler = resolve;
    });
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    manager.createSecretDescribed = async (...args) => {
      inHandler();
      await released;
      return create(...args);
    };
    const inFlight = request(server.url, keepAliveClient(), token, 'POST', '/api/secrets', {
      name: 'OTHER',
      value: VALUE,
      environment: 'staging',
    });
    await handling;

    const closed = server.close();
    await idleClosed;
    release();
    // It finishes, and its client is told not to reuse the connection.
    expect(await inFlight).toMatchObject({ status: 201, connection: 'close' });
    await closed;
    await expect(
      request(server.url, keepAliveClient(), token, 'GET', '/api/secrets/KEY?environment=production'),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await manager.getSecret('OTHER', 'admin', { environment: 'staging' })).toBe(VALUE);
    await manager.close();
  });
});
