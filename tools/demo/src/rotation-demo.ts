/**
 * @module rotation-demo
 * Demo Trigger #4, as an operator sees it: a secret is stored with `iron-secrets set`, a Python
 * agent is started with `iron-secrets run`, the key is rotated while the agent works, and the
 * agent carries on with the new key: same PID, no restart, a rotation line in the log, and no
 * value ever printed (the agent prints its key; the injector redacts it).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Where the demo writes its lines. */
export type Print = (line: string) => void;

const require = createRequire(import.meta.url);
const CLI = join(dirname(require.resolve('@iron/secrets-cli/package.json')), 'bin', 'iron-secrets.js');
const AGENT = fileURLToPath(new URL('../agents/lead_agent.py', import.meta.url));

/** Demo values: realistic shapes, not real keys. */
const FIRST_KEY = `sk-proj-demo-${'a1b2c3'.repeat(4)}`;
const ROTATED_KEY = `sk-proj-demo-${'f9e8d7'.repeat(4)}`;

/** How long any one step may take before the demo gives up. */
const STEP_TIMEOUT_MS = 20_000;

/** Runs the demo in `directory` (a throw-away database and key); resolves to whether every check passed. */
export async function runRotationDemo(directory: string, print: Print): Promise<boolean> {
  const env: NodeJS.ProcessEnv = { ...withoutIronVariables(process.env) };
  env.IRON_SECRETS_DB = join(directory, 'secrets.db');
  env.IRON_CAGE_MASTER_KEY = randomBytes(32).toString('base64');
  env.DEMO_LEADS = '8';
  env.DEMO_PAUSE_SECONDS = '0.5';
  const cli = (args: string[], input?: string) => {
    const result = spawnSync(process.execPath, [CLI, ...args], { env, input: input ?? '', encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`iron-secrets ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  };
  const fingerprint = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 8);

  print('Iron Secrets: live rotation without a restart (Demo Trigger #4)');
  print(`A throw-away database (${env.IRON_SECRETS_DB}) and master key.`);
  print('');
  print('$ printf %s "$OPENAI_API_KEY" | iron-secrets set OPENAI_API_KEY --env production');
  print(indent(cli(['set', 'OPENAI_API_KEY', '--env', 'production'], FIRST_KEY)));
  print('$ iron-secrets run --env production -- python3 lead_agent.py');

  const output: string[] = [];
  const agent = spawn(process.execPath, [CLI, 'run', '--env', 'production', '--', 'python3', '-u', AGENT], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const waiter = lineWaiter(agent, (line) => {
    output.push(line);
    print(`  ${line}`);
  });
  const exited = new Promise<number | null>((resolve) => agent.on('close', (code) => resolve(code)));

  await waiter.until((line) => /lead 3\//.test(line));
  print('');
  print('$ printf %s "$NEW_KEY" | iron-secrets set OPENAI_API_KEY --env production   # while the agent runs');
  print(indent(cli(['set', 'OPENAI_API_KEY', '--env', 'production'], ROTATED_KEY)));
  await waiter.until((line) => /continuing with fingerprint/.test(line));
  const status = await exited;

  const verify = cli(['audit', 'verify']);
  const reads = JSON.parse(cli(['audit', '--json', '--secret', 'OPENAI_API_KEY'])) as {
    requester_role: string;
  }[];
  const pids = new Set(output.flatMap((line) => /\[agent pid (\d+)\]/.exec(line)?.[1] ?? []));
  const text = output.join('\n');
  const checks: [string, boolean][] = [
    ['the agent exited 0', status === 0],
    ['one agent process throughout (same PID, no restart)', pids.size === 1],
    [
      'the rotation line was logged',
      /\[\d\d:\d\d:\d\d\] INFO Secret rotated: OPENAI_API_KEY \(no restart required\)/.test(text),
    ],
    [
      'the agent used the first key, then the rotated one',
      text.includes(`fingerprint ${fingerprint(FIRST_KEY)}`) &&
        text.includes(`fingerprint ${fingerprint(ROTATED_KEY)}`),
    ],
    [
      'no value was printed (the agent printed its key; it was redacted)',
      !text.includes(FIRST_KEY) && !text.includes(ROTATED_KEY) && text.includes('[SECRET_REDACTED]'),
    ],
    ["the agent's reads are in the audit trail", reads.some((entry) => entry.requester_role === 'agent')],
    ['the audit trail verifies', verify.startsWith('Audit trail intact')],
  ];
  print('');
  for (const [check, ok] of checks) print(`${ok ? '✓' : '✗'} ${check}`);
  return checks.every(([, ok]) => ok);
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** The demo's own key and database, not the operator's. */
function withoutIronVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('IRON_')));
}

/** Collects the lines of a child's stdout and stderr, and waits for one that matches. */
function lineWaiter(child: ChildProcess, onLine: (line: string) => void) {
  const lines: string[] = [];
  const waiting: { test: (line: string) => boolean; resolve: () => void }[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      onLine(line);
      for (const wait of waiting.splice(0)) {
        if (wait.test(line)) wait.resolve();
        else waiting.push(wait);
      }
    });
  }
  return {
    until(test: (line: string) => boolean): Promise<void> {
      if (lines.some(test)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('the agent did not get there in time')),
          STEP_TIMEOUT_MS,
        );
        waiting.push({
          test,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}
