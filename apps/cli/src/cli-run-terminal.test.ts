/**
 * `iron-secrets run` when its output is a terminal (the agent then runs on a pseudo-terminal of
 * its own, through python/pty_bridge.py) but its input is not: piped input must reach the agent
 * as it would without a terminal, untouched, and end; the bridge's own descriptors stay its own.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, sandbox } from './test-support.js';

const COMMAND = join(dirname(BIN), 'iron-secrets');

/** Runs `shell` (a command line) on a terminal made by `script`; its transcript and status. */
function onTerminal(shell: string, env: NodeJS.ProcessEnv) {
  const result = spawnSync('script', ['-qfec', shell, '/dev/null'], {
    env,
    encoding: 'latin1',
    timeout: 20_000,
  });
  return { status: result.status, transcript: result.stdout, timedOut: result.error !== undefined };
}

describe('iron-secrets run on a terminal, with input that is not one', () => {
  it('piped input reaches the agent as is, is not echoed, and ends', async () => {
    const box = sandbox();
    await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-terminal-1' });
    const run = onTerminal(`printf 'line1\\nline2\\n' | ${COMMAND} run --env production -- cat`, box.env());
    expect(run.timedOut).toBe(false);
    expect(run.status).toBe(0);
    expect(run.transcript.replace(/^\^@/, '')).toBe('line1\r\nline2\r\n');
  });

  it('input from a file with control bytes is data, not keystrokes (no SIGQUIT, nothing echoed)', async () => {
    const box = sandbox();
    await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-terminal-2' });
    const file = join(box.dir, 'input.bin');
    const bytes = Buffer.concat([Buffer.from([0x1c, 0x03, 0x04, 0x1a]), randomBytes(3000)]);
    writeFileSync(file, bytes);
    const run = onTerminal(`${COMMAND} run --env production -- sh -c 'wc -c' < ${file}`, box.env());
    expect(run.timedOut).toBe(false);
    expect(run.status).toBe(0);
    expect(run.transcript.replace(/^\^@/, '').trim()).toBe(String(bytes.length));
  });

  it('the agent does not inherit the bridge’s control channel', async () => {
    const box = sandbox();
    await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-terminal-3' });
    const run = onTerminal(
      `${COMMAND} run --env production -- sh -c 'ls /proc/$$/fd | tr "\\n" " "' < /dev/null`,
      box.env(),
    );
    expect(run.status).toBe(0);
    const descriptors = run.transcript.replace(/^\^@/, '').trim().split(/\s+/);
    expect(descriptors).toEqual(expect.arrayContaining(['0', '1', '2']));
    // (Descriptors this test's own environment leaves open, such as a CI runner's, may follow.)
    expect(descriptors).not.toContain('3');
  });
});
