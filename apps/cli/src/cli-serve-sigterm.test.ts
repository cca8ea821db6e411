/**
 * `iron-secrets serve` sent SIGTERM under load, on SQLite and on PostgreSQL (issue 14, findings 9
 * and 10): 20 keep-alive clients reading and writing, then SIGTERM. The server drains (requests in
 * flight finish, answered with `Connection: close`), exits 0, and the audit chain verifies; every
 * write it acknowledged is there.
 *
 * The issue asks for 20 rounds per backend; CI runs IRON_SIGTERM_ROUNDS (default 2) to keep its
 * time. Locally: `IRON_SIGTERM_ROUNDS=20 npx vitest run apps/cli/src/cli-serve-sigterm.test.ts`
 * (set, it also prints each round's numbers).
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshDatabase, type TestDatabase } from '@iron/secrets-storage/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningCli, sandbox, startCli } from './test-support.js';

const ROUNDS = Number(process.env.IRON_SIGTERM_ROUNDS ?? 2);
const REPORT = process.env.IRON_SIGTERM_ROUNDS !== undefined;
/** Keep-alive clients, each with one connection, as the reproduction had. */
const CLIENTS = 20;
/**
 * Requests each client has had answered before SIGTERM is sent: every client holds an established
 * keep-alive connection then. (A connection still waiting to be accepted when the listener closes
 * is reset by the kernel, as with any server that stops listening; on a loaded server the last of
 * 20 connections opened at once can wait a second to be accepted.)
 */
const WARM_UP_REQUESTS = 2;
/** Each client creates a secret (a key derivation, costly on purpose), then reads it this often. */
const READS_PER_WRITE = 3;
const ENVIRONMENT = 'staging';

const databases: TestDatabase[] = [];
const processes: RunningCli[] = [];
const agents: http.Agent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const running of processes.splice(0)) running.child.kill('SIGKILL');
  for (const db of databases.splice(0)) await db.drop();
});

interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
  readonly body: string;
}

function send(
  agent: http.Agent,
  url: string,
  token: string,
  method: string,
  body?: unknown,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method,
      agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          connection: response.headers.connection,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** What one round saw. */
interface Round {
  answered: number;
  /** Answers per client. */
  answeredBy: number[];
  acknowledged: Map<string, string>;
  /** Answers other than 200/201, and connection errors before SIGTERM: each one is a failure. */
  failures: string[];
  /** After SIGTERM: answers, those with Connection: close, and how clients' connections ended. */
  afterSignal: number;
  closeHeaders: number;
  refused: number;
  reset: number;
}

/** One keep-alive client: creates a secret, reads it back, again, until the server is gone. */
async function client(id: number, base: string, token: string, round: Round, signalled: () => boolean) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  const tally = (answer: Answer, expected: number) => {
    round.answered += 1;
    round.answeredBy[id] = (round.answeredBy[id] ?? 0) + 1;
    if (signalled()) {
      round.afterSignal += 1;
      if (answer.connection === 'close') round.closeHeaders += 1;
    }
    if (answer.status !== expected)
      round.failures.push(`client ${id}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
    return answer.status === expected;
  };
  try {
    for (let i = 0; ; i += 1) {
      const name = `KEY_${id}_${i}`;
      const value = `value-${id}-${i}-${Math.random().toString(36).slice(2)}`;
      const created = await send(agent, `${base}/api/secrets`, token, 'POST', {
        name,
        value,
        environment: ENVIRONMENT,
      });
      if (tally(created, 201)) round.acknowledged.set(name, value);
      // Reads are cheap (the value's key is cached) and audited like writes.
      for (let read = 0; read < READS_PER_WRITE; read += 1) {
        const answer = await send(
          agent,
          `${base}/api/secrets/${name}?environment=${ENVIRONMENT}`,
          token,
          'GET',
        );
        if (tally(answer, 200) && JSON.parse(answer.body).value !== value) {
          round.failures.push(`client ${id}: read another value back`);
        }
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (!signalled()) round.failures.push(`client ${id}: ${code} before SIGTERM`);
    else if (code === 'ECONNREFUSED') round.refused += 1;
    else round.reset += 1;
  }
}

async function sigtermUnderLoad(backend: 'sqlite' | 'postgres'): Promise<void> {
  const box = sandbox();
  let extra: Record<string, string> = {};
  if (backend === 'postgres') {
    const db = await freshDatabase('postgres');
    databases.push(db);
    extra = { IRON_SECRETS_DB: db.location };
  }
  const env = box.env(extra);
  expect((await box.run(['init'], { env: extra })).code).toBe(0);
  const token = (await box.run(['token', 'create', '--role', 'admin'], { env: extra })).stdout.trim();
  const server = startCli(['serve', '--port', '0'], env);
  processes.push(server);
  const base = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(await server.waitFor(/^Serving /, 15_000))![1]!;

  const round: Round = {
    answered: 0,
    answeredBy: [],
    acknowledged: new Map(),
    failures: [],
    afterSignal: 0,
    closeHeaders: 0,
    refused: 0,
    reset: 0,
  };
  let signalled = false;
  const started = Date.now();
  const clients = Array.from({ length: CLIENTS }, (_, id) => client(id, base, token, round, () => signalled));
  const fewestAnswers = () =>
    Math.min(...Array.from({ length: CLIENTS }, (_, id) => round.answeredBy[id] ?? 0));
  await expect
    .poll(fewestAnswers, { timeout: 20_000, interval: 10 })
    .toBeGreaterThanOrEqual(WARM_UP_REQUESTS);
  signalled = true;
  server.child.kill('SIGTERM');
  const exitCode = await server.exited;
  await Promise.all(clients);
  const drained = Date.now();

  const verify = await box.run(['audit', 'verify', '--json'], { env: extra });
  const exported = await box.run(['export', '--env', ENVIRONMENT, '--format', 'json'], { env: extra });
  const stored = JSON.parse(exported.stdout) as Record<string, string>;
  const lost = [...round.acknowledged].filter(([name, value]) => stored[name] !== value).length;
  if (REPORT) {
    console.info(
      `${backend}: exit ${exitCode}, audit verify exit ${verify.code}, ${round.answered} answered (${round.acknowledged.size} writes acknowledged, ${lost} lost), ${round.failures.length} failures; after SIGTERM ${round.afterSignal} answered (${round.closeHeaders} with Connection: close), clients ended by ${round.refused} refused / ${round.reset} reset connections; ${drained - started} ms`,
    );
  }
  expect(round.failures).toEqual([]);
  // Each client was told to close its connection, and its next one was refused (a load balancer
  // would have sent it to another instance): none was reset under a request.
  expect({ reset: round.reset, refused: round.refused }).toEqual({ reset: 0, refused: CLIENTS });
  expect(exitCode).toBe(0);
  expect(verify.code).toBe(0);
  expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
  expect(lost).toBe(0);
  const output = server.lines.join('\n');
  expect(output).not.toContain(token);
  expect(output).not.toContain('value-');
}

describe('serve: SIGTERM under read and write load (issue 14, findings 9 and 10)', () => {
  for (const backend of ['sqlite', 'postgres'] as const) {
    it(
      `on ${backend}: drains, exits 0, and the audit chain verifies (${ROUNDS} rounds)`,
      async () => {
        for (let round = 0; round < ROUNDS; round += 1) {
          await sigtermUnderLoad(backend);
          for (const agent of agents.splice(0)) agent.destroy();
          for (const db of databases.splice(0)) await db.drop();
          processes.length = 0;
          await sleep(0);
        }
      },
      60_000 + ROUNDS * 30_000,
    );
  }
});
