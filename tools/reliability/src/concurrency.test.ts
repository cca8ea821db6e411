/**
 * Four processes on one SQLite file at once: the library (a worker updating and reading its
 * secrets), the API (`iron-secrets serve`, driven over HTTP), the CLI (`set` and `get` run again
 * and again) and the injector (`iron-secrets run`, reading a fixed set of secrets into agents).
 * No SQLITE_BUSY (or any other error) reaches a user, no update is lost, and the audit log has
 * exactly one entry per operation.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { SecretsManager } from '@iron/secrets-core';
import { describe, expect, it } from 'vitest';
import { keepDatabase, keepText, needle, scaled } from './evidence.js';
import { CLI, database, masterKey, startNode, startServe, worker } from './support.js';
import {
  API_NAMES,
  CLI_NAMES,
  concurrencyValue,
  INJECTED_NAMES,
  LIBRARY_NAMES,
} from './workers/concurrency-protocol.js';

const DURATION_MS = scaled(30_000, 120_000);

describe('four processes on one SQLite file', () => {
  it(
    `library, API, CLI and injector for ${DURATION_MS / 1000} s: no error reaches a user, no lost update, one audit entry per operation`,
    async () => {
      const db = await database('sqlite');
      const key = masterKey();
      const run = randomBytes(4).toString('hex');
      const env = { IRON_SECRETS_DB: db.location, IRON_CAGE_MASTER_KEY: key, HOME: '/tmp' };
      const value = (writer: string, i: number) => {
        const v = concurrencyValue(run, writer, i);
        needle(v);
        return v;
      };

      const setup = await SecretsManager.open({ database: db.location, masterKey: key });
      for (const name of [...LIBRARY_NAMES, ...API_NAMES, ...CLI_NAMES]) {
        await setup.createSecret(name, value('seed', 0), 'production');
      }
      for (const name of INJECTED_NAMES) await setup.createSecret(name, value('seed', 0), 'staging');
      const { token } = await setup.createToken({ role: 'admin' });
      needle(token);
      const auditCount = async () =>
        Number((await db.raw('SELECT count(*) AS n FROM secret_audit_log'))[0]!.n);
      const auditBefore = await auditCount();
      await setup.close();

      const until = Date.now() + DURATION_MS;
      const problems: string[] = [];

      // 1. The library.
      let libraryDone = '';
      const library = startNode(
        [worker('library-writer')],
        { ...env, CONCURRENCY_RUN: run, CONCURRENCY_MS: String(DURATION_MS) },
        (line) => {
          libraryDone = line;
        },
      );
      for (let i = 0; i < 3 * 2_000; i += 2) needle(concurrencyValue(run, 'library', i));

      // 2. The API.
      const { child: server, url } = await startServe(env);
      const apiLast: Record<string, number> = {};
      let apiOperations = 0;
      const api = (async () => {
        for (let i = 0; Date.now() < until; i++) {
          const name = API_NAMES[i % API_NAMES.length]!;
          const write = i % 2 === 0;
          const response = await fetch(
            `${url}/api/secrets/${name}${write ? '' : '?environment=production'}`,
            {
              method: write ? 'PUT' : 'GET',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              ...(write
                ? { body: JSON.stringify({ value: value('api', i), environment: 'production' }) }
                : {}),
            },
          );
          const body = await response.text();
          if (response.status !== 200) {
            keepText('concurrency-api-error', body);
            problems.push(`API ${response.status}: ${body}`);
          } else if (write) apiLast[name] = i;
          else if (
            apiLast[name] !== undefined &&
            JSON.parse(body).value !== concurrencyValue(run, 'api', apiLast[name]!)
          ) {
            problems.push(`API lost an update of ${name}`);
          }
          apiOperations += 1;
        }
      })();

      // 3. The CLI, one process per command.
      const cliLast: Record<string, number> = {};
      let cliOperations = 0;
      const cli = (async () => {
        for (let i = 0; Date.now() < until; i++) {
          const name = CLI_NAMES[i % CLI_NAMES.length]!;
          const write = i % 2 === 0;
          const input = write ? value('cli', i) : '';
          const args = write ? ['set', name, '--env', 'production'] : ['get', name, '--env', 'production'];
          const result = await runProcess([CLI, ...args], env, input);
          keepText('concurrency-cli', result.stderr);
          if (result.code !== 0) problems.push(`CLI ${args[0]} exited ${result.code}: ${result.stderr}`);
          else if (write) cliLast[name] = i;
          else if (
            cliLast[name] !== undefined &&
            result.stdout.trim() !== concurrencyValue(run, 'cli', cliLast[name]!)
          ) {
            problems.push(`CLI lost an update of ${name}`);
          }
          cliOperations += 1;
        }
      })();

      // 4. The injector: agents started with the staging secrets in their environment.
      let injectorRuns = 0;
      const injector = (async () => {
        while (Date.now() < until) {
          const result = await runProcess(
            [
              CLI,
              'run',
              '--env',
              'staging',
              '--',
              process.execPath,
              '-e',
              'process.exit(process.env.INJ_0 ? 0 : 9)',
            ],
            env,
            '',
          );
          keepText('concurrency-injector', result.stdout + result.stderr);
          if (result.code !== 0) problems.push(`run exited ${result.code}: ${result.stderr}`);
          injectorRuns += 1;
        }
      })();

      await Promise.all([api, cli, injector]);
      const libraryExit = await library.ended;
      server.process.kill('SIGTERM');
      await server.ended;
      if (libraryExit.code !== 0) problems.push(`library exited ${libraryExit.code}: ${library.stderr()}`);
      expect(problems).toEqual([]);

      const [, libraryOps, libraryLast] = libraryDone.split(' ');
      const check = await SecretsManager.open({ database: db.location, masterKey: key });
      try {
        const checker = {
          role: 'agent',
          agentId: 'concurrency-checker',
          environments: ['production'],
        } as const;
        const finals = new Map(
          (await check.listSecrets(checker, 'production')).map((s) => [s.name, s.value]),
        );
        const expectations: [Record<string, number>, string][] = [
          [JSON.parse(libraryLast!) as Record<string, number>, 'library'],
          [apiLast, 'api'],
          [cliLast, 'cli'],
        ];
        for (const [last, writer] of expectations) {
          for (const [name, i] of Object.entries(last))
            expect(finals.get(name), name).toBe(concurrencyValue(run, writer, i));
        }
        const operations =
          Number(libraryOps) + apiOperations + cliOperations + injectorRuns * INJECTED_NAMES.length;
        // The checker's own listing above adds one READ per production secret.
        const checkerReads = LIBRARY_NAMES.length + API_NAMES.length + CLI_NAMES.length;
        expect((await auditCount()) - auditBefore - checkerReads).toBe(operations);
        expect(await check.verifyAuditLog()).toMatchObject({ ok: true });
        keepDatabase('concurrency', db.location);
        process.stderr.write(
          `concurrency: ${operations} operations in ${DURATION_MS / 1000} s (library ${libraryOps}, API ${apiOperations}, CLI ${cliOperations}, injector ${injectorRuns} runs)\n`,
        );
      } finally {
        await check.close();
      }
    },
    DURATION_MS + 120_000,
  );
});

function runProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    keepText('command-line', [process.execPath, ...args].join(' '));
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS, ...env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin.end(input);
  });
}
