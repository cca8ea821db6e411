/**
 * A refusal sent before the request's body has arrived (413 for a body over the limit, 401, 415)
 * says `Connection: close` and closes the connection cleanly: the client must not reuse a
 * connection whose unread body the server is about to cut off, or its next request on it fails
 * (undici: UND_ERR_SOCKET). On real sockets, since `app.request` has none.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { SecretsManager } from '@iron/secrets-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './app.js';
import { type RunningServer, startServer } from './server.js';

let manager: SecretsManager;
let server: RunningServer;
let admin: string;
let port: number;

beforeAll(async () => {
  manager = await SecretsManager.open({
    database: ':memory:',
    masterKey: randomBytes(32).toString('base64'),
  });
  admin = (await manager.createToken({ role: 'admin' })).token;
  server = await startServer({ manager, port: 0 });
  port = Number(new URL(server.url).port);
});

afterAll(async () => {
  await server?.close();
  await manager?.close();
});

const OVERSIZED = JSON.stringify({ name: 'BIG', value: 'x'.repeat(MAX_BODY_BYTES), environment: 'staging' });

/** What a raw connection saw: the response's head, and how the connection ended. */
interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** 'end' when the server closed with a FIN after the response; 'error:<code>' otherwise. */
  readonly ending: string;
}

/**
 * Sends `head`, then `body` in 16 KiB pieces for as long as the server reads them (a client that
 * keeps uploading while the refusal comes back), and reports the response and the close.
 */
function rawRequest(head: string, body: Buffer): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let offset = 0;
    let ending: string | undefined;
    const pump = () => {
      while (offset < body.length && !socket.destroyed) {
        const piece = body.subarray(offset, offset + 16 * 1024);
        offset += piece.length;
        if (!socket.write(piece)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
    });
    socket.on('end', () => {
      ending ??= 'end';
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      ending ??= `error:${error.code}`;
    });
    socket.on('close', () => {
      const text = received.toString('latin1');
      const [statusLine = '', ...lines] = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, ending: ending ?? 'close' });
    });
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

function chunked(text: string): Buffer {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 8192) {
    const piece = text.slice(i, i + 8192);
    pieces.push(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`);
  }
  pieces.push('0\r\n\r\n');
  return Buffer.from(pieces.join(''));
}

const head = (headers: string) =>
  `POST /api/secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n${headers}\r\n`;

describe('early refusals close the connection', () => {
  it('a keep-alive client (undici) gets 413, then its next request succeeds', async () => {
    const tooLarge = await fetch(`${server.url}/api/secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: OVERSIZED,
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('connection')).toBe('close');
    expect(((await tooLarge.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    for (let i = 0; i < 3; i += 1) {
      const next = await fetch(`${server.url}/api/secrets?environment=staging`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(next.status).toBe(200);
      await next.arrayBuffer();
    }
  });

  it.each([
    ['with Content-Length', `Content-Length: ${Buffer.byteLength(OVERSIZED)}\r\n`, Buffer.from(OVERSIZED)],
    ['chunked, without Content-Length', 'Transfer-Encoding: chunked\r\n', chunked(OVERSIZED)],
  ])(
    'a body over the limit %s: 413, Connection: close, then a clean close (FIN)',
    async (_, framing, body) => {
      const answer = await rawRequest(
        head(`Authorization: Bearer ${admin}\r\nContent-Type: application/json\r\n${framing}`),
        body,
      );
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe('close');
      expect(answer.ending).toBe('end');
    },
  );

  it.each([
    ['401 (no token)', '', 401],
    ['415 (not JSON)', `Authorization: Bearer ${'?'}\r\nContent-Type: text/plain\r\n`, 415],
  ])('%s before the body arrives: Connection: close and a clean close', async (_, headers, status) => {
    const answer = await rawRequest(
      head(`${headers.replace('?', admin)}Content-Length: ${Buffer.byteLength(OVERSIZED)}\r\n`),
      Buffer.from(OVERSIZED),
    );
    expect(answer.status).toBe(status);
    expect(answer.headers.connection).toBe('close');
    expect(answer.ending).toBe('end');
  });

  it('a request whose body has arrived keeps its connection', async () => {
    const first = await fetch(`${server.url}/api/secrets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'SMALL', value: 'small-value-1', environment: 'staging' }),
    });
    expect(first.status).toBe(201);
    expect(first.headers.get('connection')).not.toBe('close');
    await first.arrayBuffer();
  });
});
