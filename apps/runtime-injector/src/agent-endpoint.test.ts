import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AgentEndpoint,
  type AgentEndpointOptions,
  HEADERS_TIMEOUT_MS,
  MAX_WATCH_BODY_BYTES,
  startAgentEndpoint,
} from './agent-endpoint.js';
import { isDescendantOf } from './process-tree.js';

const VALUES = new Map([['OPENAI_API_KEY', 'sk-endpoint-test-1']]);

const endpoints: AgentEndpoint[] = [];
const started: ChildProcess[] = [];
const grandchildren: number[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const pid of grandchildren.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  for (const endpoint of endpoints.splice(0)) await endpoint.close();
});

async function endpointWith(options?: AgentEndpointOptions): Promise<AgentEndpoint> {
  const endpoint = await startAgentEndpoint(async () => VALUES, options);
  endpoints.push(endpoint);
  return endpoint;
}

/**
 * An "agent" that is a shell with a `sleep` of its own, as under `sh -c` or a terminal. The shell
 * outlives its sleep.
 */
async function agentTree(): Promise<{ child: ChildProcess; shell: number; grandchild: number }> {
  const child = spawn('sh', ['-c', 'sleep 10 & echo $!; wait; sleep 10'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  const line = await new Promise<string>((resolve) =>
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
  );
  grandchildren.push(Number(line));
  return { child, shell: child.pid!, grandchild: Number(line) };
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One request over a real socket; `chunks` are written one by one (chunked, no content-length). */
function send(
  endpoint: AgentEndpoint,
  method: string,
  path: string,
  body?: string | string[],
  token: string | null = endpoint.token,
): Promise<Answer> {
  const url = new URL(endpoint.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
    const outgoing = request(
      { host: url.hostname, port: url.port, method, path, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    outgoing.on('error', reject);
    if (Array.isArray(body)) for (const chunk of body) outgoing.write(chunk);
    else if (body !== undefined) outgoing.write(body);
    outgoing.end();
  });
}

const watch = (endpoint: AgentEndpoint, pid: unknown) =>
  send(endpoint, 'POST', '/watch', JSON.stringify({ pid }));

describe('startAgentEndpoint: GET /secrets', () => {
  it('serves the values with the token, 401 without it, 404 elsewhere', async () => {
    const endpoint = await endpointWith();
    expect(await send(endpoint, 'GET', '/secrets')).toEqual({
      status: 200,
      body: JSON.stringify({ OPENAI_API_KEY: 'sk-endpoint-test-1' }),
    });
    expect((await send(endpoint, 'GET', '/secrets', undefined, null)).status).toBe(401);
    expect((await send(endpoint, 'GET', '/other')).status).toBe(404);
    expect((await send(endpoint, 'GET', '/watch')).status).toBe(404);
  });
});

describe('startAgentEndpoint: POST /watch and /unwatch', () => {
  it('registers the agent and its descendants, and nothing else', async () => {
    const agent = await agentTree();
    const endpoint = await endpointWith({ isAgentProcess: (pid) => isDescendantOf(pid, agent.shell) });
    expect(endpoint.watchers()).toEqual([]);
    expect((await watch(endpoint, agent.grandchild)).status).toBe(204);
    expect((await watch(endpoint, agent.shell)).status).toBe(204);
    expect((await watch(endpoint, agent.shell)).status).toBe(204);
    expect([...endpoint.watchers()].sort((a, b) => a - b)).toEqual(
      [agent.shell, agent.grandchild].sort((a, b) => a - b),
    );

    const refused = await watch(endpoint, process.pid);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ error: expect.stringContaining('descendant') });
    expect((await watch(endpoint, 1)).status).toBe(403);

    expect((await send(endpoint, 'POST', '/unwatch', JSON.stringify({ pid: agent.grandchild }))).status).toBe(
      204,
    );
    expect(endpoint.watchers()).toEqual([agent.shell]);
    // Unwatching a PID that is not registered is not an error.
    expect((await send(endpoint, 'POST', '/unwatch', JSON.stringify({ pid: 12345 }))).status).toBe(204);
  });

  it('refuses every PID when the caller gave no isAgentProcess', async () => {
    const agent = await agentTree();
    const endpoint = await endpointWith();
    expect((await watch(endpoint, agent.shell)).status).toBe(403);
    expect(endpoint.watchers()).toEqual([]);
  });

  it('needs the token', async () => {
    const agent = await agentTree();
    const endpoint = await endpointWith({ isAgentProcess: () => true });
    const body = JSON.stringify({ pid: agent.shell });
    expect((await send(endpoint, 'POST', '/watch', body, null)).status).toBe(401);
    expect((await send(endpoint, 'POST', '/watch', body, 'x'.repeat(endpoint.token.length))).status).toBe(
      401,
    );
    expect(endpoint.watchers()).toEqual([]);
  });

  it('answers 400 with a JSON error for a body that is not {"pid": <a process id>}', async () => {
    const endpoint = await endpointWith({ isAgentProcess: () => true });
    const bodies = [
      '',
      'pid=1',
      '{"pid":',
      '[]',
      'null',
      '42',
      '{}',
      '{"pid":"123"}',
      '{"pid":1.5}',
      '{"pid":0}',
      '{"pid":-1}',
      '{"pid":-12345}',
      '{"pid":1e300}',
      '{"pid":2147483648}',
      '{"pid":null}',
      '{"__proto__":{"pid":1}}',
      '\u0000\u00ff',
    ];
    for (const body of bodies) {
      for (const path of ['/watch', '/unwatch']) {
        const answer = await send(endpoint, 'POST', path, body);
        expect(answer.status, `${path} ${body}`).toBe(400);
        const error = (JSON.parse(answer.body) as { error: unknown }).error;
        expect(error, body).toEqual(expect.stringContaining('{"pid": <'));
      }
    }
    expect(endpoint.watchers()).toEqual([]);
  });

  it(`answers 413 to a body over ${MAX_WATCH_BODY_BYTES} bytes, announced or chunked`, async () => {
    const endpoint = await endpointWith({ isAgentProcess: () => true });
    const padded = JSON.stringify({ pid: process.pid, pad: 'x'.repeat(MAX_WATCH_BODY_BYTES) });
    expect((await send(endpoint, 'POST', '/watch', padded)).status).toBe(413);
    const chunked = Array.from({ length: 8 }, () => ' '.repeat(512));
    expect((await send(endpoint, 'POST', '/watch', chunked)).status).toBe(413);
    expect(endpoint.watchers()).toEqual([]);
    // Still serving.
    expect((await watch(endpoint, process.pid)).status).toBe(204);
  });

  it('forgets a watcher that has exited, or that is no longer the agent', async () => {
    const agent = await agentTree();
    let agentPid = agent.shell;
    const endpoint = await endpointWith({ isAgentProcess: (pid) => isDescendantOf(pid, agentPid) });
    expect((await watch(endpoint, agent.grandchild)).status).toBe(204);
    expect((await watch(endpoint, agent.shell)).status).toBe(204);
    process.kill(agent.grandchild, 'SIGKILL');
    // The shell reaps its sleep; then the PID names no process (ESRCH).
    for (let i = 0; i < 100 && endpoint.watchers().includes(agent.grandchild); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(endpoint.watchers()).toEqual([agent.shell]);
    // A PID that no longer passes isAgentProcess (a new agent after a restart, say) is dropped too.
    agentPid = (await agentTree()).shell;
    expect(endpoint.watchers()).toEqual([]);
  });
});

describe('startAgentEndpoint: slow clients', () => {
  it(
    'closes a connection whose headers or body never finish',
    async () => {
      const endpoint = await endpointWith({ isAgentProcess: () => true });
      const url = new URL(endpoint.url);
      const stall = (bytes: string) =>
        new Promise<{ ms: number; answer: string }>((resolve) => {
          const began = Date.now();
          const socket = connect(Number(url.port), url.hostname);
          let answer = '';
          socket.on('data', (chunk: Buffer) => {
            answer += chunk.toString('latin1');
          });
          socket.on('error', () => {});
          socket.on('close', () => resolve({ ms: Date.now() - began, answer }));
          socket.write(bytes);
        });
      const [headers, body] = await Promise.all([
        stall('POST /watch HTTP/1.1\r\nHost: x\r\n'),
        stall(
          `POST /watch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${endpoint.token}\r\nContent-Length: 100\r\n\r\n{"pid"`,
        ),
      ]);
      for (const { ms } of [headers, body]) expect(ms).toBeLessThan(HEADERS_TIMEOUT_MS + 3_000);
      expect((await send(endpoint, 'GET', '/secrets')).status).toBe(200);
    },
    HEADERS_TIMEOUT_MS + 10_000,
  );
});
