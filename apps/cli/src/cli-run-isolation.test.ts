/**
 * What an agent started by `iron-secrets run` can reach of the injector's keys: the initial
 * environment of every ancestor it can read (/proc/<pid>/environ keeps it for the process's whole
 * life, whatever it unsets later). The command as installed (bin/iron-secrets, a shell script that
 * hands the keys to Node on a pipe and execs it) leaves none there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, sandbox } from './test-support.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ANCESTORS = join(HERE, 'fixtures', 'ancestors.py');
const SIGNAL_PARENT = join(HERE, 'fixtures', 'signal-parent.py');
/** The installed command: the shell script, not `node bin/iron-secrets.js`. */
const COMMAND = join(dirname(BIN), 'iron-secrets');
const KEY_NAMES = ['IRON_CAGE_MASTER_KEY', 'IRON_SECRETS_TOKEN', 'IRON_CAGE_NEW_MASTER_KEY'];

/** The agent's report on itself and each ancestor, up to the injector (the processes that are ours). */
function lines(output: string): string[] {
  const all = output
    .replaceAll('\r', '')
    .split('\n')
    .filter((line) => /^(\^@)?(self|\d+) /.test(line));
  const injector = all.findIndex((line) => / \S*node .*iron-secrets\.js run /.test(line));
  return injector === -1 ? all : all.slice(0, injector + 1);
}

describe.skipIf(!existsSync('/proc/self/environ'))(
  'iron-secrets run: the keys out of the agent’s reach',
  () => {
    it('no ancestor of an embedded-mode agent holds the master key in its environment, on a pipe', async () => {
      const box = sandbox();
      await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-isolation-1' });
      const result = spawnSync(
        COMMAND,
        ['run', '--env', 'production', '--', 'python3', ANCESTORS, ...KEY_NAMES],
        {
          env: box.env({ IRON_SECRETS_TOKEN: 'iron_not_for_agents_0123456789' }),
          encoding: 'utf8',
        },
      );
      expect(result.status, result.stderr).toBe(0);
      const seen = lines(result.stdout);
      // It walked up through the injector itself.
      expect(seen.some((line) => / clean \S*node .*iron-secrets\.js run /.test(line))).toBe(true);
      expect(seen.filter((line) => line.includes(' KEY'))).toEqual([]);
    });

    it('nor on a terminal, where a bridge process stands between the injector and the agent', async () => {
      const box = sandbox();
      await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-isolation-2' });
      const command = [COMMAND, 'run', '--env', 'production', '--', 'python3', ANCESTORS, ...KEY_NAMES].join(
        ' ',
      );
      const result = spawnSync('script', ['-qfec', command, '/dev/null'], {
        env: box.env(),
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      const seen = lines(result.stdout);
      expect(
        seen.some((line) => / clean .*pty_bridge\.py /.test(line)),
        result.stdout,
      ).toBe(true);
      expect(seen.some((line) => / clean \S*node .*iron-secrets\.js run /.test(line))).toBe(true);
      expect(seen.filter((line) => line.includes(' KEY'))).toEqual([]);
    });

    it('started as `node bin/iron-secrets.js`, the key stays in the environment: why the command is a script', async () => {
      const box = sandbox();
      await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-isolation-3' });
      const result = spawnSync(
        process.execPath,
        [BIN, 'run', '--env', 'production', '--', 'python3', ANCESTORS, ...KEY_NAMES],
        { env: box.env(), encoding: 'utf8' },
      );
      expect(
        lines(result.stdout).some((line) => / KEY \S*node .*iron-secrets\.js run /.test(line)),
        result.stdout,
      ).toBe(true);
    });

    it('an agent that sends SIGUSR1 to the injector does not open a debugger in it', async () => {
      const box = sandbox();
      await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-proj-isolation-4' });
      const result = spawnSync(COMMAND, ['run', '--env', 'production', '--', 'python3', SIGNAL_PARENT], {
        env: box.env(),
        encoding: 'utf8',
      });
      expect(result.stderr).not.toMatch(/Debugger listening/);
      expect(result.stdout).toBe('inspector closed\n');
      expect(result.status).toBe(0);
    });

    it('the command refuses a key or token with a line break instead of letting it forge another variable', () => {
      const box = sandbox();
      const result = spawnSync(COMMAND, ['--version'], {
        env: box.env({ IRON_SECRETS_TOKEN: 'tok1\nIRON_CAGE_NEW_MASTER_KEY=forged' }),
        encoding: 'utf8',
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('IRON_SECRETS_TOKEN holds a line break');
      expect(result.stderr).not.toContain('forged');
    });
  },
);
