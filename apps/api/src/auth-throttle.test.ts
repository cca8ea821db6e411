/**
 * Failed authentications are slowed down per address (429), and only they are: every local agent
 * and the panel share 127.0.0.1, so one agent with a wrong token must not lock out the others.
 * On a real socket, so that the address is the one the throttle sees in production.
 */
import { randomBytes } from 'node:crypto';
import { SecretsManager } from '@iron/secrets-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILURES } from './auth.js';
import { type RunningServer, startServer } from './server.js';

let manager: SecretsManager;
let server: RunningServer;

beforeAll(async () => {
  manager = await SecretsManager.open({
    database: ':memory:',
    masterKey: randomBytes(32).toString('base64'),
  });
  server = await startServer({ manager, port: 0 });
});

afterAll(async () => {
  await server?.close();
  await manager?.close();
});

async function status(token: string | undefined): Promise<{ status: number; retryAfter: string | null }> {
  const response = await fetch(`${server.url}/api/session`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

describe('the failure throttle, from 127.0.0.1', () => {
  it('25 bad tokens, then a valid token is served; bad tokens are still refused with 429', async () => {
    const { token: valid } = await manager.createToken({ role: 'viewer' });
    const { token: revoked, id } = await manager.createToken({ role: 'agent', environments: ['production'] });
    await manager.revokeToken(id);
    const answers: number[] = [];
    for (let i = 0; i < MAX_FAILURES + 5; i += 1) {
      // A broken agent's revoked token, and guesses that differ each time.
      answers.push((await status(i % 2 === 0 ? revoked : `iron_guess${i}_${'a'.repeat(43)}`)).status);
    }
    expect(answers.slice(0, MAX_FAILURES)).toEqual(Array(MAX_FAILURES).fill(401));
    expect(answers.slice(MAX_FAILURES)).toEqual(Array(5).fill(429));

    // Another agent, or the panel, on the same address: its valid token is served.
    expect((await status(valid)).status).toBe(200);
    expect((await status(valid)).status).toBe(200);

    // A refused token repeated while throttled costs no look-up: no new audit entry for it.
    const entries = (await manager.auditLog({ limit: 10_000 })).length;
    for (let i = 0; i < 5; i += 1) expect((await status(revoked)).status).toBe(429);
    expect((await manager.auditLog({ limit: 10_000 })).length).toBe(entries);

    // The failing guesses are still slowed down, each told when to retry.
    for (const token of [revoked, 'iron_other_guess', 'not-a-token-at-all', `${valid}x`]) {
      const refused = await status(token);
      expect(refused.status, token).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    }
  });
});
