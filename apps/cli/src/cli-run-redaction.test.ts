/**
 * `iron-secrets run`: nothing an agent prints carries a secret, on every path its output takes
 * (issue 12). A matrix of real agents (fixtures/leak.py and fixtures/leak.mjs), each cell one
 * agent process printing every value in every way on the stream under test:
 *
 * - agents: Python, Node;
 * - streams: stdout, stderr;
 * - paths: a pipe the test reads, files (`> out 2> err`), `2>&1 | cat`, a terminal (util-linux
 *   `script`, so the injector runs the agent on a pseudo-terminal), and a terminal whose stderr
 *   is a file (`2>err` inside the terminal);
 * - ways: whole, 3-character pieces over time, byte by byte, logging, an uncaught traceback
 *   (stderr cells), every derived form (JSON, repr, containers, URL-encoding, base64 and base64url
 *   at the three byte alignments, a Basic auth header), a multi-line PEM private key whole and
 *   its lines alone, and a value learned at a rotation done with `iron-secrets set` meanwhile.
 *
 * The ground truth is what the agent itself says it printed: it writes every form, unredacted, to
 * a side file. None may appear in anything the cell captured, whole or (forms over 12 characters)
 * without their first and last 3 characters (a base64 form at another alignment differs only at
 * its edges), nor any line of the PEM key; a public certificate printed alongside must come out
 * intact. Terminal output is also read with every `\r*\n` as `\n`.
 *
 * Each cell runs once (a few at a time, each on a copy of one database, so that a rotation in one
 * does not signal the agents of the others) and is judged by several tests, one per kind of leak.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, newMasterKey, runCli } from './test-support.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PY_LEAK = join(HERE, 'fixtures', 'leak.py');
const NODE_LEAK = join(HERE, 'fixtures', 'leak.mjs');
const AGENT_HELPER = join(HERE, '..', '..', 'runtime-injector', 'dist', 'agent.js');
const REDACTED = '[SECRET_REDACTED]';
/** The secret rotated while each agent runs. */
const ROTATED = 'APP_ROTATED';
/** The secrets printed on one line, as they are (the PEM key and the rotated value apart). */
const SINGLE_LINE = ['APP_PLAIN', 'APP_WEIRD', ROTATED, 'IRON_SECRETS_AGENT_TOKEN'];
/** How many cells run at once. */
const POOL = 6;

const AGENTS = ['python', 'node'] as const;
const STREAMS = ['stdout', 'stderr'] as const;
const PATHS = ['pipe', 'file', '2>&1 | cat', 'terminal', 'terminal, 2>file'] as const;
type Agent = (typeof AGENTS)[number];
type Stream = (typeof STREAMS)[number];
type Path = (typeof PATHS)[number];
interface Cell {
  readonly agent: Agent;
  readonly stream: Stream;
  readonly path: Path;
}
const CELLS: readonly Cell[] = AGENTS.flatMap((agent) =>
  STREAMS.flatMap((stream) => PATHS.map((path) => ({ agent, stream, path }))),
);

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** ~30 characters: a double and a single quote, a backslash, a space, `/`, `+`, `&`, non-ASCII. */
const weirdValue = (tag: string) => `w"q'b\\s p/+&é ü🔑-${tag}-${hex(3)}`;
/** Quoted for `sh -c` (and `script -c`, which runs one). */
const shq = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
/** Terminal line ends (`\r\n`, `\r\r\n`) read as `\n`. */
const unterminal = (text: string) => text.replace(/\r+\n/g, '\n');
const count = (text: string, needle: string) => text.split(needle).length - 1;

/** The values every agent prints, stored once in a template database. */
interface Installation {
  readonly dir: string;
  readonly template: string;
  readonly masterKey: string;
  readonly plain: string;
  readonly weird: string;
  readonly pem: string;
  readonly certFile: string;
  readonly cert: string;
}

let installation: Installation | undefined;
const setup = () => {
  if (installation === undefined) throw new Error('beforeAll did not run');
  return installation;
};

/**
 * PATH with python3's own directory first: a version manager's python3 (pyenv's shim) costs half a
 * second of CPU at each start, and every cell starts it twice (the agent, the terminal bridge).
 */
const PATH = (() => {
  const found = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  const python = found.status === 0 ? found.stdout.trim() : '';
  return python === '' ? process.env.PATH : `${dirname(python)}${delimiter}${process.env.PATH}`;
})();

/** The environment of a run on `db`: only what the CLI needs. */
const cliEnv = (dir: string, db: string, masterKey: string): NodeJS.ProcessEnv => ({
  PATH,
  HOME: dir,
  XDG_DATA_HOME: join(dir, 'xdg'),
  IRON_SECRETS_DB: db,
  IRON_CAGE_MASTER_KEY: masterKey,
});

/** A directory and a database of one run's own, the database copied from the template. */
interface RunSandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
}

function runSandbox(tag: string): RunSandbox {
  const { dir: root, template, masterKey } = setup();
  const dir = join(root, tag.replace(/\W+/g, '-'));
  mkdirSync(dir);
  const db = join(dir, 'secrets.db');
  copyFileSync(template, db);
  chmodSync(db, 0o600);
  return { dir, env: cliEnv(dir, db, masterKey) };
}

beforeAll(async () => {
  if (!existsSync(join(HERE, '..', 'dist', 'main.js')) || !existsSync(AGENT_HELPER)) {
    throw new Error('build first (pnpm build): the CLI and the runtime helper are run from dist');
  }
  const dir = mkdtempSync(join(tmpdir(), 'iron-redaction-'));
  const template = join(dir, 'template.db');
  const masterKey = newMasterKey();
  const env = cliEnv(dir, template, masterKey);
  const plain = `sk-proj-${hex(16)}`;
  const weird = weirdValue('weird');
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()
    .trim();
  const set = async (name: string, value: string) => {
    const result = await runCli(['set', name, '--env', 'production'], env, value);
    if (result.code !== 0) throw new Error(`set ${name}: ${result.stderr}`);
  };
  await set('APP_PLAIN', plain);
  await set('APP_WEIRD', weird);
  await set('APP_PEM', pem);
  await set(ROTATED, `sk-rot-${hex(8)}`);
  for (const suffix of ['-wal', '-journal']) {
    if (existsSync(template + suffix)) throw new Error(`the template database has a ${suffix} file`);
  }
  const cert = rootCertificates[0]!.trim();
  const certFile = join(dir, 'public-cert.pem');
  writeFileSync(certFile, `${cert}\n`);
  installation = { dir, template, masterKey, plain, weird, pem, certFile, cert };
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(started.values()); // runs started ahead of a filtered-out test
  if (installation) rmSync(installation.dir, { recursive: true, force: true });
}, 120_000);

/** What a run showed: each capture by name (a pipe, a file, a terminal transcript), and its status. */
interface Captured {
  readonly code: number | null;
  readonly outputs: Readonly<Record<string, string>>;
}

/**
 * Runs `iron-secrets run --env production -- ...agent` on `path`; `during` runs meanwhile (the
 * rotation). The process's stdin stays open, and empty, until it exits.
 */
async function runOnPath(
  box: RunSandbox,
  agent: readonly string[],
  path: Path | 'terminal, </dev/null',
  during: (child: ChildProcess) => Promise<void> = async () => {},
): Promise<Captured> {
  const argv = [process.execPath, BIN, 'run', '--env', 'production', '--', ...agent];
  const command = argv.map(shq).join(' ');
  const outFile = join(box.dir, 'out');
  const errFile = join(box.dir, 'err');
  const [program, args, files]: [string, string[], Record<string, string>] =
    path === 'pipe'
      ? [argv[0]!, argv.slice(1), {}]
      : path === 'file'
        ? ['sh', ['-c', `${command} >${shq(outFile)} 2>${shq(errFile)}`], { out: outFile, err: errFile }]
        : path === '2>&1 | cat'
          ? ['sh', ['-c', `${command} 2>&1 | cat`], {}]
          : path === 'terminal'
            ? ['script', ['-qfec', command, '/dev/null'], {}]
            : path === 'terminal, </dev/null'
              ? ['script', ['-qfec', `${command} </dev/null`, '/dev/null'], {}]
              : ['script', ['-qfec', `${command} 2>${shq(errFile)}`, '/dev/null'], { err: errFile }];
  const child = spawn(program, args, { env: box.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => {});
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  const [code] = await Promise.all([closed, during(child)]);
  child.stdin.end();
  const outputs: Record<string, string> = {
    [path.startsWith('terminal') ? 'transcript' : 'stdout']: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
  for (const [name, file] of Object.entries(files)) {
    outputs[`${name} file`] = existsSync(file) ? readFileSync(file, 'utf8') : '';
  }
  return { code, outputs };
}

/** One form of one value, as the agent printed it. */
interface Form {
  readonly name: string;
  readonly label: string;
  readonly text: string;
}

/** What the agent wrote to its side file: every value it held and every form it printed. */
interface Side {
  readonly phase: 'starting' | 'waiting' | 'complete';
  readonly values: Readonly<Record<string, string>>;
  readonly forms: readonly Form[];
  readonly pem_lines: readonly string[];
}

const readSide = (file: string): Side | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Side;
  } catch {
    return undefined; // not written yet
  }
};

/** What one cell's agent did, and what came out of it. */
interface CellRun extends Captured {
  readonly side: Side | undefined;
  readonly rotation: string;
  /** The value the secret was rotated to. */
  readonly fresh: string;
  /** Everything captured (pipes, files, transcript), joined. */
  readonly everything: string;
}

async function runCell({ agent, stream, path }: Cell): Promise<CellRun> {
  const { certFile } = setup();
  const box = runSandbox(`${agent}-${stream}-${path}`);
  const sideFile = join(box.dir, 'side.json');
  const fresh = weirdValue('rotated');
  const argv =
    agent === 'python'
      ? ['python3', PY_LEAK, sideFile, stream, certFile, ROTATED]
      : [process.execPath, NODE_LEAK, AGENT_HELPER, sideFile, stream, certFile, ROTATED];
  let rotation = 'not attempted: the agent never got to wait for it';
  const captured = await runOnPath(box, argv, path, async (child) => {
    // Once the agent has printed everything and waits, rotate its secret with `iron-secrets set`.
    const deadline = Date.now() + 40_000;
    while (readSide(sideFile)?.phase !== 'waiting') {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) return;
      await sleep(50);
    }
    const set = await runCli(['set', ROTATED, '--env', 'production'], box.env, fresh);
    rotation = set.code === 0 ? 'done' : `set failed: ${set.stderr}`;
  });
  const everything = Object.values(captured.outputs).join('\n\0\n');
  return { ...captured, side: readSide(sideFile), rotation, fresh, everything };
}

/** Cells run at most POOL at a time; asking for one starts it and the next few. */
const started = new Map<number, Promise<CellRun>>();
let running = 0;
const waiting: (() => void)[] = [];
async function pooled<T>(work: () => Promise<T>): Promise<T> {
  while (running >= POOL) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}
function cellRun(index: number): Promise<CellRun> {
  for (let next = index; next < Math.min(CELLS.length, index + POOL); next++) {
    if (started.has(next)) continue;
    const run = pooled(() => runCell(CELLS[next]!));
    run.catch(() => {}); // reported by the tests that await it
    started.set(next, run);
  }
  return started.get(index)!;
}

/** The run of a cell, if the harness worked: else a failure saying how it did not. */
async function completed(index: number): Promise<CellRun & { readonly side: Side }> {
  const run = await cellRun(index);
  if (run.rotation !== 'done' || run.side?.phase !== 'complete') {
    throw new Error(
      `harness: the agent did not run through the rotation (rotation ${run.rotation}, side file ${run.side?.phase ?? 'absent'}, exit ${run.code}):\n${run.everything}`,
    );
  }
  return run as CellRun & { readonly side: Side };
}

/**
 * Which of `forms` (whole, or their middle if over 12 characters) appear in `text`: one line each,
 * by name and label (never the value), so that a failure lists every leak.
 */
function found(text: string, forms: readonly Form[]): string {
  const texts = [text, unterminal(text)];
  const hits = new Set<string>();
  for (const form of forms) {
    if (texts.some((t) => t.includes(form.text))) hits.add(`${form.name}: ${form.label}`);
    else if (form.text.length > 12 && texts.some((t) => t.includes(form.text.slice(3, -3)))) {
      hits.add(`${form.name}: ${form.label} (middle)`);
    }
  }
  return [...hits].join('\n');
}

/** Where the agent's stream under test lands on each path (undefined: anywhere, see below). */
function landing(path: Path, stream: Stream): string | undefined {
  switch (path) {
    case 'pipe':
      return stream;
    case 'file':
      return stream === 'stdout' ? 'out file' : 'err file';
    case '2>&1 | cat':
      return 'stdout';
    case 'terminal':
      return 'transcript';
    case 'terminal, 2>file':
      // The err file once stderr keeps its place, the terminal today: tested apart below.
      return stream === 'stdout' ? 'transcript' : undefined;
  }
}

describe.each(CELLS.map((cell, index) => ({ ...cell, index })))(
  'iron-secrets run, $agent agent printing on $stream, $path',
  { timeout: 120_000 }, // a test may wait for its cell's run, queued behind others
  ({ index, agent, stream, path }) => {
    it('(harness) the agent prints everything on its stream, through a rotation', async () => {
      const { plain, weird, pem } = setup();
      const run = await cellRun(index);
      expect(run.rotation, run.everything).toBe('done');
      expect(run.side?.phase, run.everything).toBe('complete');
      const side = run.side!;
      expect(side.values).toEqual({
        APP_PLAIN: plain,
        APP_WEIRD: weird,
        APP_PEM: pem,
        [ROTATED]: expect.stringMatching(/^sk-rot-/),
        IRON_SECRETS_AGENT_TOKEN: expect.stringMatching(/^[\w-]{40,}$/),
        [`${ROTATED} (rotated)`]: run.fresh,
      });
      expect(side.forms.length).toBeGreaterThan(100);
      expect(side.pem_lines).toEqual(pem.split('\n').slice(1, -1));
      if (path !== '2>&1 | cat') expect(run.code, run.everything).toBe(stream === 'stderr' ? 1 : 0);
      const home = landing(path, stream);
      const where = home === undefined ? run.everything : run.outputs[home]!;
      for (const marker of [
        `leak-agent start ${stream}`,
        `leak-agent rotated ${ROTATED}`,
        'leak-agent end',
      ]) {
        expect(where, `"${marker}" in ${home ?? 'the output'}`).toContain(marker);
      }
      if (stream === 'stderr') {
        expect(where).toContain(agent === 'python' ? 'Traceback' : 'Error: agent failed with');
      }
    });

    it('no value comes out whole: printed, in 3-character pieces, byte by byte, logged, in a traceback', async () => {
      const run = await completed(index);
      const values = run.side.forms.filter(
        (form) => form.label === 'value' && SINGLE_LINE.includes(form.name),
      );
      expect(values.length).toBe(SINGLE_LINE.length);
      expect(found(run.everything, values), 'values in the output').toBe('');
      expect(count(run.everything, REDACTED)).toBeGreaterThanOrEqual(4 * SINGLE_LINE.length);
    });

    it('the value learned at the rotation does not come out (whole, in pieces, byte by byte, logged)', async () => {
      const run = await completed(index);
      const whole = run.side.forms.filter(
        (form) => form.name === `${ROTATED} (rotated)` && form.label === 'value',
      );
      expect(whole.map((form) => form.text)).toEqual([run.fresh]);
      expect(found(run.everything, whole), 'the rotated value in the output').toBe('');
    });

    it('no derived form comes out: JSON, repr, containers, URL-encoding, base64 at 3 alignments, Basic auth', async () => {
      const run = await completed(index);
      const derived = run.side.forms.filter((form) => form.label !== 'value');
      expect(found(run.everything, derived), 'derived forms in the output').toBe('');
    });

    it('a PEM private key never comes out, whole or line by line', async () => {
      const run = await completed(index);
      const { pem } = setup();
      const lines = run.side.pem_lines.map((text, i) => ({ name: 'APP_PEM', label: `line ${i + 1}`, text }));
      const whole = run.side.forms.filter((form) => form.name === 'APP_PEM' && form.label === 'value');
      expect(whole.map((form) => form.text)).toEqual([pem]);
      expect(found(run.everything, [...whole, ...lines]), 'the private key in the output').toBe('');
    });

    it('a public certificate comes out intact', async () => {
      const run = await completed(index);
      expect(unterminal(run.everything)).toContain(setup().cert);
    });
  },
);

describe('iron-secrets run on a terminal', () => {
  const script = [
    'import os, sys',
    'print("terminal-out-marker", flush=True)',
    'print("terminal-err-marker", os.environ["APP_PLAIN"], file=sys.stderr, flush=True)',
    'print("terminal-out-secret", os.environ["APP_PLAIN"], flush=True)',
  ].join('\n');

  it("keeps the agent's stderr in the injector's, a file (2>err), redacted: not on the terminal", async () => {
    const { plain } = setup();
    const { code, outputs } = await runOnPath(
      runSandbox('apart'),
      ['python3', '-c', script],
      'terminal, 2>file',
    );
    expect(code, JSON.stringify(outputs)).toBe(0);
    expect(outputs.transcript).toContain('terminal-out-marker');
    expect(outputs.transcript).toContain(`terminal-out-secret ${REDACTED}`);
    expect(outputs['err file']).not.toContain(plain);
    expect(outputs.transcript).not.toContain(plain);
    expect(outputs.transcript).not.toContain('terminal-err-marker');
    expect(outputs['err file']).toMatch(/^terminal-err-marker \[SECRET_REDACTED\]\r?\n/m);
  });

  it.each(['terminal', 'terminal, 2>file', 'terminal, </dev/null'] as const)(
    'ends each line the agent prints with one \\r\\n, not \\r\\r\\n (%s)',
    async (path) => {
      const { code, outputs } = await runOnPath(runSandbox(`crlf ${path}`), ['python3', '-c', script], path);
      expect(code, JSON.stringify(outputs)).toBe(0);
      for (const line of ['terminal-out-marker', `terminal-out-secret ${REDACTED}`]) {
        const ending = new RegExp(`${line.replace(/[[\]]/g, '\\$&')}(\\r*)\\n`).exec(outputs.transcript!);
        expect(ending, `"${line}" in ${JSON.stringify(outputs.transcript)}`).not.toBeNull();
        expect(JSON.stringify(ending![1]), `the line end of "${line}"`).toBe(JSON.stringify('\r'));
      }
    },
  );
});
