/**
 * `iron-secrets serve` end to end: curl-like calls with a token, a remote `run` rotating a live
 * agent through the API's event stream, and a graceful SIGTERM.
 */
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sandbox, startCli } from './test-support.js';

const PY_AGENT = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'agent.py');
const fingerprint = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 12);

describe('iron-secrets serve', () => {
  it('serves the API; a remote run rotates a live agent through it; SIGTERM exits 0', async () => {
    const box = sandbox();
    await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-remote-first-1' });
    const admin = (await box.run(['token', 'create', '--role', 'admin'])).stdout.trim();
    const agentToken = (
      await box.run(['token', 'create', '--role', 'agent', '--env', 'production', '--agent-id', 'remote-bot'])
    ).stdout.trim();
    const server = startCli(['serve', '--port', '0'], box.env());
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(await server.waitFor(/^Serving /))![1]!;

    const response = await fetch(`${url}/api/secrets/APP_KEY?environment=production`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    // The read of one name is a listing's entry for it (issue 15), with the value for an admin.
    expect(await response.json()).toMatchObject({
      name: 'APP_KEY',
      environment: 'production',
      value: 'sk-proj-remote-first-1',
      rotation_status: 'ok',
    });

    // The agent's machine: no master key, no database, only the server and an agent token.
    const agent = startCli(
      ['run', '--server', url, '--env', 'production', '--', 'python3', PY_AGENT, 'rotate', '4'],
      box.env({
        IRON_CAGE_MASTER_KEY: undefined,
        IRON_SECRETS_DB: undefined,
        IRON_SECRETS_TOKEN: agentToken,
      }),
    );
    await agent.waitFor(/^ready pid/);
    const rotated = await fetch(`${url}/api/secrets/APP_KEY`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'sk-proj-remote-second-2', environment: 'production' }),
    });
    expect(rotated.status).toBe(200);
    expect(await agent.waitFor(/^callback 1 /, 3000)).toContain(fingerprint('sk-proj-remote-second-2'));
    expect(await agent.exited).toBe(0);
    expect(agent.lines).toContainEqual(
      expect.stringMatching(/INFO Secret rotated: APP_KEY \(no restart required\)/),
    );

    const trail = JSON.parse((await box.run(['audit', '--json', '--secret', 'APP_KEY'])).stdout) as {
      agent_id: string | null;
      requester_role: string;
    }[];
    expect(trail.some((entry) => entry.requester_role === 'agent' && entry.agent_id === 'remote-bot')).toBe(
      true,
    );

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.lines.join('\n')).not.toContain('sk-proj-remote');
    expect(server.lines.join('\n')).not.toContain(admin);
  });

  it('refuses a bad port and a missing database', async () => {
    const box = sandbox();
    expect((await box.run(['serve'])).code).toBe(3);
    await box.run(['init']);
    expect((await box.run(['serve', '--port', '70000'])).code).toBe(2);
  });
});
