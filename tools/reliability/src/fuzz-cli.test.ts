/**
 * Hostile command lines and stdin against the `iron-secrets` program, run in process through the
 * same `run(argv, io)` the binary's main calls: real command names with random flags, values and
 * stdin. Every run ends in time with a documented exit code, never prints a stack trace or a
 * stored value on stderr, and a failed run leaves the secrets and tokens as they were.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { type Io, run } from '@iron/secrets-cli/program';
import { ENVIRONMENTS, SecretsManager } from '@iron/secrets-core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepDatabase, keepText, needle, scaled, secretValue } from './evidence.js';
import { hostileString, internalMarker, leakedValue, preview, tempDir, within } from './fuzz-support.js';

const CASES = scaled(150, 1500);

let dir: string;
let remove: () => void;
let database: string;
let masterKey: string;
let manager: SecretsManager;
/** Every value stored: none may appear on stderr. */
const values: string[] = [];
/** Values "pasted" into the wrong place on the command line (never stored). */
const PASTED = `sk-proj-${randomBytes(12).toString('hex')}`;

beforeAll(async () => {
  const temp = tempDir('cli');
  dir = temp.dir;
  remove = temp.remove;
  database = join(dir, 'secrets.db');
  masterKey = randomBytes(32).toString('base64');
  needle(masterKey);
  manager = await SecretsManager.open({ database, masterKey });
  for (const environment of ENVIRONMENTS) {
    for (const name of ['OPENAI_API_KEY', 'DB_PASSWORD']) {
      const value = secretValue(`cli-seed-${environment}`);
      values.push(value);
      await manager.createSecret(name, value, environment);
    }
  }
  const envFile = (file: string, text: string | Buffer) => writeFileSync(join(dir, file), text);
  const a = secretValue('cli-import');
  const b = secretValue('cli-import');
  values.push(a, b);
  envFile('valid.env', `# imported\nexport IMPORTED_A=${a}\nIMPORTED_B="${b}\\n"\n`);
  const c = secretValue('cli-import-bad');
  values.push(c);
  envFile('invalid.env', `GOOD=${c}\nthis line is ${c} not an assignment\n`);
  const d = secretValue('cli-import-dup');
  values.push(d);
  envFile('duplicate.env', `DUP=${d}\nDUP=${d}\n`);
  envFile('empty-value.env', 'EMPTY=\n');
  envFile('empty.env', '');
  envFile('binary.env', Buffer.from([0x41, 0x3d, 0xff, 0xfe, 0x00, 0x0a]));
  const e = secretValue('cli-value-file');
  values.push(e);
  envFile('value.txt', e);
  mkdirSync(join(dir, 'a-directory'));
  needle(PASTED);
});

afterAll(async () => {
  if (manager !== undefined) {
    keepDatabase('fuzz-cli-db', database);
    await manager.close();
  }
  remove?.();
});

/** What the database holds that a failed command must not change: secrets (by value hash) and tokens. */
async function snapshot(): Promise<string> {
  const lines: string[] = [];
  for (const environment of ENVIRONMENTS) {
    for (const secret of await manager.listSecrets('admin', environment, { reveal: true })) {
      const hash = createHash('sha256')
        .update(secret.value ?? '')
        .digest('hex');
      lines.push(`${environment}/${secret.name}#${secret.id}@${secret.updatedAt.toISOString()}:${hash}`);
    }
  }
  for (const token of await manager.listTokens()) lines.push(`token ${token.id} ${token.status}`);
  return lines.sort().join('\n');
}

function collector(): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return {
    stream: stream as unknown as NodeJS.WriteStream,
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

/** An argument: the placeholders `@file:`, `@db:` and `@pasted` are resolved in the sandbox. */
const COMMANDS: readonly (readonly string[])[] = [
  [],
  ['keygen'],
  ['init'],
  ['set'],
  ['get'],
  ['list'],
  ['delete'],
  ['import'],
  ['export'],
  ['audit'],
  ['audit', 'verify'],
  ['token'],
  ['token', 'create'],
  ['token', 'list'],
  ['token', 'revoke'],
  ['migrate'],
  ['copy'],
  ['master-key'],
  ['help'],
  ['@pasted'],
  ['frobnicate'],
];

const FLAGS = [
  '--env',
  '--json',
  '--masked',
  '--yes',
  '-y',
  '--overwrite',
  '--format',
  '--from-file',
  '--expires-in',
  '--rotate-every',
  '--role',
  '--agent-id',
  '--secret',
  '--since',
  '--limit',
  '--from',
  '--to',
  '--db',
  '--help',
  '-h',
  '--version',
  '-V',
  '--',
  '--unknown',
  '-x',
  '--env=production',
  '--env=',
  '--password=@pasted',
  '--@pasted',
];

const environment = fc.constantFrom(...ENVIRONMENTS, ...ENVIRONMENTS, 'PRODUCTION', 'prod', '');
const name = fc.constantFrom(
  'OPENAI_API_KEY',
  'DB_PASSWORD',
  'NEW_ONE',
  'IMPORTED_A',
  '_',
  '1BAD',
  'a-b',
  '*',
);
const duration = fc.constantFrom('24h', '7d', '0s', '-1d', '99999999999d', '1y', 'soon', '10', 'NaN');
const file = fc.constantFrom(
  '@file:valid.env',
  '@file:invalid.env',
  '@file:duplicate.env',
  '@file:empty-value.env',
  '@file:empty.env',
  '@file:binary.env',
  '@file:value.txt',
  '@file:a-directory',
  '@file:missing.env',
);
const db = fc.constantFrom(
  '@db:secrets.db',
  '@db:other.db',
  '@db:a-directory',
  '@db:missing/x.db',
  'postgres://fuzz:fuzz@127.0.0.1:1/none',
);
const hostile = hostileString.map((s) => s.replaceAll('\u0000', ''));

/** A few arguments that belong together: mostly plausible, sometimes anything. */
const chunk: fc.Arbitrary<string[]> = fc.oneof(
  { arbitrary: environment.map((e) => ['--env', e]), weight: 5 },
  { arbitrary: fc.oneof(name, name, hostile).map((n) => [n]), weight: 5 },
  {
    arbitrary: fc.constantFrom('--json', '--yes', '--overwrite', '--masked', '-y').map((f) => [f]),
    weight: 3,
  },
  {
    arbitrary: fc.constantFrom('admin', 'viewer', 'agent', 'root', '').map((r) => ['--role', r]),
    weight: 2,
  },
  {
    arbitrary: fc.oneof(
      file.map((f) => ['--from-file', f]),
      db.map((d) => ['--db', d]),
      db.map((d) => ['--from', d]),
      db.map((d) => ['--to', d]),
      duration.map((d) => ['--since', d]),
      duration.map((d) => ['--expires-in', d]),
      duration.map((d) => ['--rotate-every', d]),
      fc.constantFrom('0', '-1', '100000', '5', 'x').map((n) => ['--limit', n]),
      fc.constantFrom('dotenv', 'json', 'xml', '').map((f) => ['--format', f]),
      fc.oneof(name, hostile).map((n) => ['--secret', n]),
      fc.oneof(name, hostile, fc.constant('@pasted')).map((n) => ['--agent-id', n]),
    ),
    weight: 4,
  },
  { arbitrary: file.map((f) => [f]), weight: 2 },
  { arbitrary: fc.constantFrom(...FLAGS).map((f) => [f]), weight: 1 },
  {
    arbitrary: fc.constantFrom('3f9a1c2b7d4e', 'iron_abc_def', '@pasted', '0').map((v) => [v]),
    weight: 1,
  },
  { arbitrary: hostile.map((h) => [h]), weight: 1 },
);

/** What `set` may read on stdin: always a registered value, possibly spoiled, or nothing. */
const stdin: fc.Arbitrary<() => Buffer> = fc.oneof(
  fc.constant(() => Buffer.alloc(0)),
  fc.constant(() => Buffer.from(`${secretValue('cli-stdin')}\n`)),
  hostileString.map((tail) => () => Buffer.from(secretValue('cli-stdin') + tail)),
  fc.constant(() => Buffer.concat([Buffer.from(secretValue('cli-stdin')), Buffer.from([0xff, 0xfe])])),
  fc.constant(() => Buffer.from(`${secretValue('cli-stdin')}\u0000tail`)),
  fc.constant(() => Buffer.from(`${secretValue('cli-stdin')}${'x'.repeat(70_000)}`)),
);

const maybe = (arbitrary: fc.Arbitrary<string[]>) => fc.option(arbitrary, { nil: [] as string[] });
const envFlag = environment.map((e) => ['--env', e]);
const flag = (...flags: string[]) => maybe(fc.constantFrom(...flags).map((f) => [f]));

/** Command lines shaped like the real ones, so that runs get past the parser into the commands. */
const plausible: fc.Arbitrary<string[]> = fc
  .oneof(
    fc.tuple(
      fc.constant(['get']),
      name.map((n) => [n]),
      envFlag,
      flag('--json', '--masked'),
    ),
    fc.tuple(
      fc.constant(['set']),
      name.map((n) => [n]),
      envFlag,
      maybe(
        fc.oneof(
          file.map((f) => ['--from-file', f]),
          duration.map((d) => ['--expires-in', d]),
          duration.map((d) => ['--rotate-every', d]),
        ),
      ),
    ),
    fc.tuple(fc.constant(['list']), envFlag, flag('--json')),
    fc.tuple(
      fc.constant(['delete']),
      name.map((n) => [n]),
      envFlag,
      flag('--yes', '-y'),
    ),
    fc.tuple(
      fc.constant(['import']),
      file.map((f) => [f]),
      envFlag,
      flag('--overwrite'),
    ),
    fc.tuple(
      fc.constant(['export']),
      envFlag,
      maybe(fc.constantFrom('dotenv', 'json', 'xml').map((f) => ['--format', f])),
    ),
    fc.tuple(
      fc.constant(['audit']),
      maybe(fc.oneof(name, hostile).map((n) => ['--secret', n])),
      maybe(duration.map((d) => ['--since', d])),
      maybe(fc.constantFrom('0', '-1', '100000', '5', 'x').map((n) => ['--limit', n])),
      flag('--json'),
    ),
    fc.tuple(
      fc.constant(['token', 'create']),
      fc.constantFrom('admin', 'viewer', 'agent', 'root').map((r) => ['--role', r]),
      maybe(envFlag),
      maybe(fc.oneof(name, hostile).map((n) => ['--agent-id', n])),
      maybe(duration.map((d) => ['--expires-in', d])),
    ),
    fc.tuple(
      fc.constant(['token', 'revoke']),
      fc.oneof(fc.constantFrom('3f9a1c2b7d4e', '@pasted'), hostile).map((v) => [v]),
    ),
    fc.tuple(
      fc.constant(['copy']),
      db.map((d) => ['--from', d]),
      db.map((d) => ['--to', d]),
    ),
  )
  .map((parts) => parts.flat());

const invocation = fc.record({
  argv: fc.oneof(
    { arbitrary: plausible, weight: 3 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...COMMANDS), fc.array(chunk, { maxLength: 4 }))
        .map(([command, chunks]) => [...command, ...chunks.flat()]),
      weight: 2,
    },
  ),
  stdin,
});

function resolve(arg: string): string {
  if (arg.startsWith('@file:')) return join(dir, arg.slice(6));
  if (arg.startsWith('@db:')) return join(dir, arg.slice(4));
  return arg.replaceAll('@pasted', PASTED);
}

describe('the CLI under hostile arguments and stdin', () => {
  it(`${CASES} generated command lines: documented exit codes, no stack trace, no value on stderr, failures change nothing`, async () => {
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(invocation, async ({ argv: raw, stdin }) => {
        const argv = raw.map(resolve);
        const input = stdin();
        // What `set` reads is stored when the command succeeds: no error may show it afterwards.
        const offered = /LEAKSCAN-cli-stdin-[A-Za-z0-9_-]{12}/.exec(input.toString('latin1'))?.[0];
        const before = await snapshot();
        const out = collector();
        const err = collector();
        const io: Io = {
          stdin: Readable.from([input]) as unknown as NodeJS.ReadStream,
          stdout: out.stream,
          stderr: err.stream,
          env: {
            PATH: process.env.PATH,
            HOME: dir,
            XDG_DATA_HOME: join(dir, 'xdg'),
            IRON_SECRETS_DB: database,
            IRON_CAGE_MASTER_KEY: masterKey,
          },
        };
        // `master-key rotate` would replace the key under the rest of the run; `run` and `serve`
        // start processes and servers: they are fuzzed elsewhere.
        fc.pre(!(argv[0] === 'master-key' && argv.includes('rotate')));
        const code = await within(15_000, `iron-secrets ${preview(argv.join(' '))}`, run(argv, io));
        codes.set(code, (codes.get(code) ?? 0) + 1);
        const stdout = out.text();
        const stderr = err.text();
        const what = `iron-secrets ${preview(argv.join(' '))} -> ${code}\nstderr: ${preview(stderr, 600)}`;
        keepText('fuzz-cli-stderr', stderr);
        if (argv[0] === 'token' && argv[1] === 'create' && code === 0) {
          for (const token of stdout.match(/iron_[A-Za-z0-9_-]+/g) ?? []) needle(token);
        }
        expect([0, 1, 2, 3, 4, 5, 6], what).toContain(code);
        expect(internalMarker(stderr), what).toBeUndefined();
        expect(leakedValue(stderr, [...values, masterKey]), what).toBeUndefined();
        expect(leakedValue(stdout, [masterKey]), what).toBeUndefined();
        if (argv[0] === PASTED) expect(stderr, what).not.toContain(PASTED);
        if (code !== 0) {
          keepText('fuzz-cli-stdout-failed', stdout);
          expect(leakedValue(stdout, values), what).toBeUndefined();
          expect(await snapshot(), `a failed command changed the database: ${what}`).toBe(before);
        } else if (offered !== undefined) {
          values.push(offered);
        }
        expect((await manager.verifyAuditLog()).ok, `the audit chain broke after ${what}`).toBe(true);
      }),
      { numRuns: CASES },
    );
    keepText('fuzz-cli-exit-codes', JSON.stringify([...codes.entries()].sort(([a], [b]) => a - b)));
  });
});
