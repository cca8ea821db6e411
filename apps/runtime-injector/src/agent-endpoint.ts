/**
 * @module agent-endpoint
 * The injector's endpoint for its own child: after a rotation signal, the agent fetches its
 * fresh values here. It listens on 127.0.0.1 only, on a random port, and answers only requests
 * bearing a random 256-bit token that exists nowhere but in the child's environment.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SecretValues } from './secret-source.js';

/** The random bytes of the endpoint's token: 256 bits. */
const TOKEN_BYTES = 32;

/** A running endpoint. */
export interface AgentEndpoint {
  /** `http://127.0.0.1:<port>`; the child gets it as IRON_SECRETS_ENDPOINT. */
  readonly url: string;
  /** The bearer token; the child gets it as IRON_SECRETS_AGENT_TOKEN. */
  readonly token: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /secrets` -> `{ "NAME": "value", ... }` from `current()` (which reads, and audits,
 * on each request). Without the token: 401, whatever the path. With it, anything else: 404.
 *
 * @example
 * ```ts
 * const endpoint = await startAgentEndpoint(() => source.fetch());
 * ```
 */
export async function startAgentEndpoint(current: () => Promise<SecretValues>): Promise<AgentEndpoint> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer((request, response) => {
    void answer(request, response).catch(() =>
      reply(response, 500, { error: 'the secrets could not be read' }),
    );
  });
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const presented = Buffer.from(request.headers.authorization ?? '');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      return reply(response, 401, { error: 'a valid IRON_SECRETS_AGENT_TOKEN bearer token is required' });
    }
    if (request.method !== 'GET' || request.url !== '/secrets')
      return reply(response, 404, { error: 'not found' });
    return reply(response, 200, Object.fromEntries(await current()));
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}
