/**
 * `runAgent` redacts everything its agent prints, on stdout and on stderr, before and after a
 * rotation, in every derived form (issue 12). In process, with a fake source and fake output
 * streams; the agent is a real Python process (`python3 -c`) that prints every value in every way
 * on both of its streams, and writes what it printed, unredacted, to a side file: the ground truth.
 *
 * The rotation: once the agent has printed the first values it waits; the test changes a value in
 * the fake source, whose watch() tells runAgent; once runAgent has logged "Secret rotated", the
 * test lets the agent go on, and the agent fetches the new value from the endpoint
 * (iron_secrets.refresh(), whoever runAgent signals) and prints it in every way too.
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from './run-agent.js';
import type { SecretSource, SecretValues } from './secret-source.js';

const REDACTED = '[SECRET_REDACTED]';
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** ~30 characters: a double and a single quote, a backslash, a space, `/`, `+`, `&`, non-ASCII. */
const weirdValue = (tag: string) => `w"q'b\\s p/+&é ü🔑-${tag}-${hex(3)}`;
/**
 * PATH with python3's own directory first: a version manager's python3 (pyenv's shim) costs half a
 * second of CPU at each start.
 */
const PATH = (() => {
  const found = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  const python = found.status === 0 ? found.stdout.trim() : '';
  return python === '' ? process.env.PATH : `${dirname(python)}${delimiter}${process.env.PATH}`;
})();
/** Terminal line ends read as `\n`. */
const unterminal = (text: string) => text.replace(/\r+\n/g, '\n');

/** A source whose values the test changes; watch() hears of every change at once. */
class FakeSource implements SecretSource {
  readonly description = 'a fake source';
  readonly credentials: readonly string[] = [];
  readonly #values: Map<string, string>;
  readonly #listeners = new Set<() => void>();

  constructor(values: Record<string, string>) {
    this.#values = new Map(Object.entries(values));
  }

  async fetch(): Promise<SecretValues> {
    return new Map(this.#values);
  }

  watch(onChange: () => void): () => void {
    this.#listeners.add(onChange);
    return () => this.#listeners.delete(onChange);
  }

  async close(): Promise<void> {}

  set(name: string, value: string): void {
    this.#values.set(name, value);
    for (const listener of this.#listeners) listener();
  }
}

/** A Writable that keeps what it gets; a terminal's size and `isTTY` if `terminal`. */
function sink(terminal = false) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  if (terminal) Object.assign(stream, { isTTY: true, rows: 24, columns: 80 });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * The agent: prints every value of NAMES in every way on stdout and on stderr, then waits for the
 * go file, fetches the rotated value and prints it the same way, then dies of a traceback.
 */
const AGENT = String.raw`
import base64, json, logging, os, signal, sys, time, urllib.parse
import iron_secrets

side_file, go_file = sys.argv[1:3]
for std in (sys.stdout, sys.stderr):
    std.reconfigure(encoding="utf-8")
signal.signal(signal.SIGUSR1, lambda *_: None)  # it polls the endpoint instead
logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")  # on stderr
side = {"phase": "starting", "values": {}, "forms": [], "pem_lines": []}

def save(phase):
    side["phase"] = phase
    with open(side_file + ".tmp", "w") as f:
        json.dump(side, f)
    os.replace(side_file + ".tmp", side_file)

def derived_forms(v):
    raw = v.encode()
    forms = [("value", v), ("json.dumps", json.dumps(v)), ("json.dumps ensure_ascii=False", json.dumps(v, ensure_ascii=False)),
             ("repr", repr(v)), ("str([v])", str([v])), ("str({k: v})", str({"k": v})),
             ("quote", urllib.parse.quote(v)), ("quote_plus", urllib.parse.quote_plus(v)),
             ("encodeURIComponent", urllib.parse.quote(v, safe="!*'()"))]
    for prefix in (b"", b"x", b"xy", b"user:"):
        for label, encode in (("b64", base64.b64encode), ("b64url", base64.urlsafe_b64encode)):
            text = encode(prefix + raw).decode()
            forms.append(("%s(%r + v)" % (label, prefix), text))
            forms.append(("%s(%r + v) unpadded" % (label, prefix), text.rstrip("=")))
    return forms

def both(*parts):
    for out in (sys.stdout, sys.stderr):
        print(*parts, file=out, flush=True)

def leak(name, v):
    side["values"][name] = v
    forms = derived_forms(v)
    side["forms"].extend({"name": name, "label": label, "text": text} for label, text in forms)
    lines = [line for line in v.split("\n") if line and not line.startswith("-----")] if "\n" in v else []
    side["pem_lines"].extend(lines)
    for out in (sys.stdout, sys.stderr):
        print("leak-child value", name, file=out, flush=True)
        print("whole:", v, file=out, flush=True)
        out.write("pieces: ")
        for i in range(0, len(v), 3):
            out.write(v[i : i + 3])
            out.flush()
            time.sleep(0.01)
        out.write("\nbytes: ")
        out.flush()
        for byte in v.encode():
            out.buffer.write(bytes([byte]))
            out.buffer.flush()
        out.write("\n")
        for label, text in forms:
            print("form %s: %s" % (label, text), file=out)
        print("Authorization: Basic " + base64.b64encode(b"user:" + v.encode()).decode(), file=out)
        for line in lines:
            print("one line:", line, file=out)
        out.flush()
    logging.warning("configured with %s", v)

initial = os.environ["APP_ROTATED"]
both("leak-child start")
for name in ("APP_PLAIN", "APP_WEIRD", "APP_PEM", "APP_ROTATED", "IRON_SECRETS_AGENT_TOKEN"):
    leak(name, os.environ[name])
save("waiting")
while not os.path.exists(go_file):
    time.sleep(0.02)
deadline = time.time() + 20
while iron_secrets.get("APP_ROTATED") == initial and time.time() < deadline:
    iron_secrets.refresh()
    time.sleep(0.05)
both("leak-child rotated")
leak("APP_ROTATED (rotated)", iron_secrets.get("APP_ROTATED"))
save("complete")
both("leak-child end")
raise ValueError("agent failed with " + os.environ["APP_WEIRD"] + " and " + iron_secrets.get("APP_ROTATED"))
`;

interface Form {
  readonly name: string;
  readonly label: string;
  readonly text: string;
}
interface Side {
  readonly phase: string;
  readonly values: Readonly<Record<string, string>>;
  readonly forms: readonly Form[];
  readonly pem_lines: readonly string[];
}

/** One run of runAgent with the agent, and what came out on each stream. */
interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly side: Side;
  readonly initial: Readonly<Record<string, string>>;
  readonly fresh: string;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function runWithAgent(terminal: boolean): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'iron-run-agent-'));
  dirs.push(dir);
  const sideFile = join(dir, 'side.json');
  const goFile = join(dir, 'go');
  const initial = {
    APP_PLAIN: `sk-proj-${hex(16)}`,
    APP_WEIRD: weirdValue('weird'),
    APP_PEM: generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
      .trim(),
    APP_ROTATED: `sk-rot-${hex(8)}`,
  };
  const fresh = weirdValue('rotated');
  const source = new FakeSource(initial);
  const stdout = sink(terminal);
  const stderr = sink();
  const running = runAgent({
    command: 'python3',
    args: ['-c', AGENT, sideFile, goFile],
    source,
    env: { PATH, HOME: dir },
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    stdout: stdout.stream,
    stderr: stderr.stream,
  });
  let exited = false;
  void running.finally(() => {
    exited = true;
  });
  const readSide = (): Side | undefined => {
    try {
      return JSON.parse(readFileSync(sideFile, 'utf8')) as Side;
    } catch {
      return undefined;
    }
  };
  const until = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!done()) {
      if (exited || Date.now() > deadline) {
        throw new Error(
          `harness: the agent ${exited ? 'exited' : 'timed out'} before ${what}\nstdout:\n${stdout.text()}\nstderr:\n${stderr.text()}`,
        );
      }
      await sleep(20);
    }
  };
  await until('waiting for the rotation', () => readSide()?.phase === 'waiting');
  source.set('APP_ROTATED', fresh);
  await until('the rotation was logged', () => /Secret rotated: APP_ROTATED/.test(stderr.text()));
  writeFileSync(goFile, '');
  const status = await running;
  const side = readSide();
  if (side?.phase !== 'complete') {
    throw new Error(`harness: the agent did not finish (side file ${side?.phase}), status ${status}`);
  }
  return { status, stdout: stdout.text(), stderr: stderr.text(), side, initial, fresh };
}

/** Which of `forms` (whole, or their middle if over 12 characters) appear in `text`, one a line. */
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

const pemLines = (side: Side): Form[] =>
  side.pem_lines.map((text, i) => ({ name: 'APP_PEM', label: `line ${i + 1} alone`, text }));

/** The part of `text` before (or after) the agent's rotation marker. */
function phase(text: string, which: 'before' | 'after'): string {
  const at = text.indexOf('leak-child rotated');
  if (at < 0) throw new Error(`harness: no rotation marker in ${JSON.stringify(text.slice(-500))}`);
  return which === 'before' ? text.slice(0, at) : text.slice(at);
}

let pipes: Promise<Run>;
let terminal: Promise<Run>;
beforeAll(() => {
  // Both runs at once: most of their time is the agent sleeping between pieces.
  pipes = runWithAgent(false);
  terminal = runWithAgent(true);
  pipes.catch(() => {});
  terminal.catch(() => {});
});

describe('runAgent redacts both streams (pipes), before and after a rotation', () => {
  it('(harness) the agent printed every value on both streams, through the rotation, and died of a traceback', async () => {
    const run = await pipes;
    expect(run.status).toBe(1);
    expect(run.side.values).toEqual({
      ...run.initial,
      IRON_SECRETS_AGENT_TOKEN: expect.stringMatching(/^[\w-]{40,}$/),
      'APP_ROTATED (rotated)': run.fresh,
    });
    expect(run.side.pem_lines).toEqual(run.initial.APP_PEM!.split('\n').slice(1, -1));
    for (const text of [run.stdout, run.stderr]) {
      expect(text).toContain('leak-child start');
      expect(text).toContain('leak-child rotated');
      expect(text).toContain('leak-child end');
    }
    expect(run.stderr).toMatch(/\[\d\d:\d\d:\d\d\] INFO Secret rotated: APP_ROTATED/);
    expect(run.stderr).toContain('Traceback');
    expect(run.stderr).toContain('WARNING configured with');
  });

  describe.each(['stdout', 'stderr'] as const)('%s', (stream) => {
    it('before the rotation: no value comes out whole (printed, in pieces, byte by byte, logged)', async () => {
      const run = await pipes;
      const text = phase(run[stream], 'before');
      const values = run.side.forms.filter((form) => form.label === 'value');
      expect(found(text, values), 'values in the output').toBe('');
      expect(text.split(REDACTED).length - 1).toBeGreaterThanOrEqual(15);
    });

    it('before the rotation: no derived form comes out, nor a line of the PEM key alone', async () => {
      const run = await pipes;
      const text = phase(run[stream], 'before');
      const derived = run.side.forms.filter(
        (form) => form.label !== 'value' && form.name !== 'APP_ROTATED (rotated)',
      );
      expect(found(text, [...derived, ...pemLines(run.side)]), 'derived forms in the output').toBe('');
    });

    it('after the rotation: the new value does not come out (whole, in pieces, byte by byte, logged, in a traceback)', async () => {
      const run = await pipes;
      const text = phase(run[stream], 'after');
      const fresh = run.side.forms.filter(
        (form) => form.name === 'APP_ROTATED (rotated)' && form.label === 'value',
      );
      expect(fresh.map((form) => form.text)).toEqual([run.fresh]);
      expect(found(text, fresh), 'the rotated value in the output').toBe('');
      expect(text.split(REDACTED).length - 1).toBeGreaterThanOrEqual(3);
    });

    it('after the rotation: no derived form of the new value comes out', async () => {
      const run = await pipes;
      const text = phase(run[stream], 'after');
      const derived = run.side.forms.filter(
        (form) => form.name === 'APP_ROTATED (rotated)' && form.label !== 'value',
      );
      expect(derived.length).toBeGreaterThan(20);
      expect(found(text, derived), 'derived forms of the rotated value in the output').toBe('');
    });
  });
});

describe('runAgent on a terminal (stdout a TTY, stderr not)', () => {
  it('(harness) the agent ran on the terminal, through the rotation', async () => {
    const run = await terminal;
    expect(run.status).toBe(1);
    expect(run.side.values['APP_ROTATED (rotated)']).toBe(run.fresh);
    expect(run.stdout).toContain('leak-child end');
  });

  it('no single-line value comes out whole, on either stream', async () => {
    const run = await terminal;
    const everything = `${run.stdout}\n\0\n${run.stderr}`;
    const values = run.side.forms.filter((form) => form.label === 'value' && form.name !== 'APP_PEM');
    expect(found(everything, values), 'values in the output').toBe('');
  });

  it('the PEM key never comes out, whole (its \\n a \\r\\n on the terminal) or line by line', async () => {
    const run = await terminal;
    const everything = `${run.stdout}\n\0\n${run.stderr}`;
    const pem = run.side.forms.filter((form) => form.label === 'value' && form.name === 'APP_PEM');
    expect(found(everything, [...pem, ...pemLines(run.side)]), 'the PEM key in the output').toBe('');
  });

  it('no derived form comes out, on either stream', async () => {
    const run = await terminal;
    const everything = `${run.stdout}\n\0\n${run.stderr}`;
    const derived = run.side.forms.filter((form) => form.label !== 'value');
    expect(found(everything, derived), 'derived forms in the output').toBe('');
  });

  it("the agent's stderr goes to the injector's stderr (not a terminal), redacted, and not to the terminal", async () => {
    const run = await terminal;
    // The agent writes each marker once on each stream: once on the terminal, once on stderr.
    expect(run.stdout.split('leak-child start').length - 1).toBe(1);
    expect(run.stderr).toContain('leak-child start');
    expect(run.stderr).toContain('Traceback');
    expect(run.stdout).not.toContain('Traceback');
    expect(
      found(
        run.stderr,
        run.side.forms.filter((form) => form.label === 'value'),
      ),
      'values on stderr',
    ).toBe('');
  });
});
