/**
 * Issue 14, finding 6, end to end: `serve` instances hold event streams open; `iron-secrets token
 * revoke`, another process, revokes the token; every stream opened with it ends within a second,
 * on whichever instance it is (PostgreSQL: NOTIFY crosses instances; SQLite: the shared file).
 * A stream whose token expires ends at the expiry.
 */
import { freshDatabase, type TestDatabase } from '@iron/secrets-storage/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningCli, sandbox, startCli } from './test-support.js';

const databases: TestDatabase[] = [];
const processes: RunningCli[] = [];
const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
afterEach(async () => {
  for (const reader of readers.splice(0)) await reader.cancel().catch(() => {});
  for (const running of processes.splice(0)) running.child.kill('SIGKILL');
  for (const db of databases.splice(0)) await db.drop();
});

async function installation(backend: 'sqlite' | 'postgres') {
  const box = sandbox();
  let env: Record<string, string> = {};
  if (backend === 'postgres') {
    const db = await freshDatabase('postgres');
    databases.push(db);
    env = { IRON_SECRETS_DB: db.location };
  }
  expect((await box.run(['init'], { env })).code).toBe(0);
  const serve = async () => {
    const running = startCli(['serve', '--port', '0'], box.env(env));
    processes.push(running);
    return /on (http:\/\/127\.0\.0\.1:\d+)/.exec(await running.waitFor(/^Serving /, 20_000))![1]!;
  };
  const cli = async (...args: string[]) => {
    const result = await box.run(args, { env });
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };
  return { serve, cli };
}

/** Opens an SSE stream; resolves `ended` with the time it ended, and keeps what it sent. */
async function open(url: string, token: string) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const reader = response.body!.getReader();
  readers.push(reader);
  let text = '';
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Date.now();
      text += new TextDecoder().decode(value);
    }
  })();
  return { status: response.status, ended, text: () => text };
}

/** Milliseconds from `since` to the stream's end, or Infinity if it has not ended `waitMs` after `since`. */
async function endedWithin(ended: Promise<number>, since: number, waitMs = 3_000): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), since + waitMs - Date.now());
  });
  try {
    return await Promise.race([ended.then((at) => at - since), late]);
  } finally {
    clearTimeout(timer);
  }
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`event streams and token revoke (${backend})`, { timeout: 120_000 }, () => {
    it('every stream of a revoked token ends within a second, on every instance', async () => {
      const { serve, cli } = await installation(backend);
      const [first, second] = [await serve(), await serve()];
      const viewer = JSON.parse(await cli('token', 'create', '--role', 'viewer', '--json'));
      const agent = JSON.parse(
        await cli('token', 'create', '--role', 'agent', '--env', 'production', '--json'),
      );
      const streams = [
        await open(`${first}/api/secrets/events?environment=production`, viewer.token),
        await open(`${second}/api/secrets/events?environment=production`, viewer.token),
        await open(`${second}/api/secrets/audit/stream`, viewer.token),
      ];
      const agentStream = await open(`${second}/api/secrets/events?environment=production`, agent.token);
      await cli('token', 'revoke', viewer.id);
      const revokedBy = Date.now(); // the revoking process has exited: its commit is done
      for (const stream of streams) {
        expect(stream.status).toBe(200);
        expect(await endedWithin(stream.ended, revokedBy)).toBeLessThan(1_000);
        expect(stream.text()).toContain('event: token.revoked');
      }
      // Another token's stream is not touched; its own revocation ends it too.
      expect(await endedWithin(agentStream.ended, Date.now(), 500)).toBe(Number.POSITIVE_INFINITY);
      await cli('token', 'revoke', agent.id);
      expect(await endedWithin(agentStream.ended, Date.now())).toBeLessThan(1_000);
      const again = await fetch(`${first}/api/secrets/audit/stream`, {
        headers: { authorization: `Bearer ${viewer.token}` },
      });
      expect(again.status).toBe(401);
    });

    it('a stream ends when its token expires', async () => {
      const { serve, cli } = await installation(backend);
      const url = await serve();
      const { token, id } = JSON.parse(
        await cli('token', 'create', '--role', 'viewer', '--expires-in', '15s', '--json'),
      );
      const stream = await open(`${url}/api/secrets/events?environment=production`, token);
      const listed = JSON.parse(await cli('token', 'list', '--json'));
      const expiresAt = Date.parse(listed.find((t: { id: string }) => t.id === id).expires_at);
      const endedAfterExpiry = await endedWithin(stream.ended, expiresAt);
      expect(endedAfterExpiry).toBeGreaterThanOrEqual(0);
      expect(endedAfterExpiry).toBeLessThan(1_000);
      expect(stream.text()).toContain('event: token.expired');
    });
  });
}
