/**
 * Reserved secret names (R10) through the real binary: refused where a name is written (`set`,
 * `import`), left out of `export`, carried by `copy` with a warning, readable and deletable so an
 * old row can be cleaned up, and never injected by `run`, whether found in the database or sent
 * by a hostile server.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { insertUncheckedSecret } from '@iron/secrets-core/testing';
import { freshDatabase, type TestDatabase } from '@iron/secrets-storage/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from './test-support.js';

const fingerprint = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 12);

const databases: TestDatabase[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  for (const db of databases.splice(0)) await db.drop();
});

/** A sandbox holding one ordinary secret and rows written before the rule, under reserved names. */
async function withOldRows(): Promise<Sandbox> {
  const box = sandbox();
  expect(
    (await box.run(['set', 'APP_KEY', '--env', 'production'], { input: 'sk-ordinary-value-1' })).code,
  ).toBe(0);
  await insertUncheckedSecret(
    box.db,
    box.masterKey,
    'production',
    'NODE_OPTIONS',
    '--require=/nonexistent/evil.js',
  );
  await insertUncheckedSecret(box.db, box.masterKey, 'production', 'PATH', '/nonexistent/evil-bin');
  await insertUncheckedSecret(box.db, box.masterKey, 'production', 'https_proxy', 'http://127.0.0.1:9');
  return box;
}

/** An agent printing which of these variables it has, each with a fingerprint of its value. */
const ENV_AGENT = `
const { createHash } = require('node:crypto');
const names = ['NODE_OPTIONS', 'PATH', 'https_proxy', 'LD_PRELOAD', 'APP_KEY', 'GOOD_KEY', 'BASH_FUNC_x%%', 'lower-case'];
const seen = {};
for (const name of names) {
  const value = process.env[name];
  if (value !== undefined) seen[name] = createHash('sha256').update(value).digest('hex').slice(0, 12);
}
console.log('env ' + JSON.stringify(seen));
`;

describe('reserved names are refused where a secret is written', () => {
  it('set NODE_OPTIONS exits 2 with RESERVED_SECRET_NAME and why, and stores nothing', async () => {
    const box = sandbox();
    await box.run(['set', 'APP_KEY'], { input: 'sk-ordinary-value-1' });
    const before = box.fingerprint();
    for (const name of ['NODE_OPTIONS', 'LD_PRELOAD', 'https_proxy', 'IRON_CAGE_MASTER_KEY']) {
      const refused = await box.run(['set', name, '--env', 'staging'], { input: '--require=/tmp/evil.js' });
      expect(refused.code, name).toBe(2);
      expect(refused.stderr).toMatch(/reserved/);
      expect(refused.stderr).toContain('(RESERVED_SECRET_NAME)');
      expect(refused.stdout + refused.stderr).not.toContain('evil');
    }
    const node = await box.run(['set', 'NODE_OPTIONS'], { input: 'x-value-1' });
    expect(node.stderr).toMatch(/Node\.js reads it/);
    expect(box.fingerprint()).toBe(before);
    // The name pattern is checked first.
    expect((await box.run(['set', 'BASH_FUNC_x%%'], { input: 'x-value-1' })).stderr).toContain(
      '(INVALID_SECRET_NAME)',
    );
  });

  it('import refuses a file with reserved names, naming every reserved line, and changes nothing', async () => {
    const box = sandbox();
    await box.run(['set', 'APP_KEY'], { input: 'sk-ordinary-value-1' });
    const before = box.fingerprint();
    const file = join(box.dir, '.env');
    writeFileSync(
      file,
      [
        'OPENAI_API_KEY=sk-first-value-1',
        'NODE_OPTIONS=--require=/tmp/evil.js',
        'GIT_TOKEN=ghp-ok-2',
        'path=/tmp/evil-bin',
        '',
      ].join('\n'),
    );
    const refused = await box.run(['import', file, '--env', 'staging']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('(RESERVED_SECRET_NAME)');
    expect(refused.stderr).toMatch(/line 2: NODE_OPTIONS is reserved: Node\.js/);
    expect(refused.stderr).toMatch(/line 4: path is reserved/);
    expect(refused.stderr).toMatch(/--skip-reserved/);
    expect(refused.stdout + refused.stderr).not.toContain('evil');
    expect(refused.stdout + refused.stderr).not.toContain('sk-first');
    expect(box.fingerprint()).toBe(before);
  });

  it('import --skip-reserved imports the rest and warns naming each skipped line', async () => {
    const box = sandbox();
    const file = join(box.dir, '.env');
    writeFileSync(
      file,
      [
        'OPENAI_API_KEY=sk-first-value-1',
        'NODE_OPTIONS=--require=/tmp/evil.js',
        'GIT_TOKEN=ghp-ok-2',
        'path=/tmp/evil-bin',
        '',
      ].join('\n'),
    );
    const imported = await box.run(['import', file, '--env', 'staging', '--skip-reserved']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toBe(`Imported 2 from ${file} into staging: 2 created, 0 updated, 0 skipped\n`);
    expect(imported.stderr).toMatch(/warning: .*line 2: NODE_OPTIONS is reserved, not imported: Node\.js/);
    expect(imported.stderr).toMatch(/warning: .*line 4: path is reserved, not imported/);
    expect(imported.stdout + imported.stderr).not.toContain('evil');
    expect((await box.run(['get', 'GIT_TOKEN', '--env', 'staging'])).stdout).toBe('ghp-ok-2');
    expect((await box.run(['get', 'NODE_OPTIONS', '--env', 'staging'])).code).toBe(3);

    const onlyReserved = join(box.dir, 'only.env');
    writeFileSync(onlyReserved, 'LD_PRELOAD=/tmp/evil.so\n');
    const nothing = await box.run(['import', onlyReserved, '--skip-reserved']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/^Imported 0 from /);
    expect(nothing.stderr).toMatch(
      /line 1: LD_PRELOAD is reserved, not imported: .*every name starting with LD_/,
    );
  });
});

describe('a row written before the rule', () => {
  it('export leaves it out with a warning on stderr', async () => {
    const box = await withOldRows();
    for (const format of ['dotenv', 'json']) {
      const exported = await box.run(['export', '--env', 'production', '--format', format]);
      expect(exported.code).toBe(0);
      expect(exported.stdout).toContain('sk-ordinary-value-1');
      expect(exported.stdout).not.toMatch(/NODE_OPTIONS|PATH|https_proxy|evil/);
      for (const name of ['NODE_OPTIONS', 'PATH', 'https_proxy']) {
        expect(exported.stderr).toMatch(new RegExp(`warning: left out ${name}: a reserved name`));
      }
      expect(exported.stderr).not.toContain('evil');
    }
  });

  it('get and delete still work on it, so it can be cleaned up', async () => {
    const box = await withOldRows();
    expect(await box.run(['get', 'PATH', '--env', 'production'])).toMatchObject({
      code: 0,
      stdout: '/nonexistent/evil-bin',
    });
    expect((await box.run(['delete', 'PATH', '--env', 'production', '--yes'])).code).toBe(0);
    expect((await box.run(['get', 'PATH', '--env', 'production'])).code).toBe(3);
  });

  it('copy carries it to PostgreSQL, with a warning naming it', async () => {
    const box = await withOldRows();
    const db = await freshDatabase('postgres');
    databases.push(db);
    const copied = await box.run(['copy', '--from', box.db, '--to', db.location, '--json']);
    expect(copied.code).toBe(0);
    const report = JSON.parse(copied.stdout);
    expect(report.copied.secrets).toBe(4);
    expect(report.warnings).toHaveLength(3);
    for (const name of ['NODE_OPTIONS', 'PATH', 'https_proxy']) {
      expect(copied.stderr).toMatch(new RegExp(`warning: ${name} \\(production\\) has a reserved name`));
    }
    expect(copied.stdout + copied.stderr).not.toContain('evil');
    const onPostgres = { env: { IRON_SECRETS_DB: db.location } };
    expect((await box.run(['get', 'PATH', '--env', 'production'], onPostgres)).stdout).toBe(
      '/nonexistent/evil-bin',
    );
  });

  it('run never injects it, and warns naming each', async () => {
    const box = await withOldRows();
    const result = await box.run(['run', '--env', 'production', '--', process.execPath, '-e', ENV_AGENT]);
    expect(result.stderr).not.toContain('Cannot find module');
    expect(result.code).toBe(0);
    const seen = JSON.parse(/^env (.*)$/m.exec(result.stdout)![1]!) as Record<string, string>;
    expect(Object.keys(seen).sort()).toEqual(['APP_KEY', 'PATH']);
    expect(seen.PATH).toBe(fingerprint(box.env().PATH!));
    for (const name of ['NODE_OPTIONS', 'PATH', 'https_proxy']) {
      expect(result.stderr).toMatch(new RegExp(`WARN secret ${name} is not injected`));
    }
    expect(result.stdout + result.stderr).not.toContain('evil');
  });
});

describe('a hostile server for run --server', () => {
  it('gets only the valid, unreserved name injected, with a WARN naming each other one', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/api/session') {
        // An agent token, as run --server checks before anything else.
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"role":"agent"}');
        return;
      }
      if (request.url?.startsWith('/api/secrets/events')) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(': open\n\n');
        return;
      }
      if (request.url?.startsWith('/api/secrets')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify([
            { name: 'NODE_OPTIONS', value: '--require=/nonexistent/evil.js' },
            { name: 'BASH_FUNC_x%%', value: '() { echo evil; }' },
            { name: 'lower-case', value: 'evil-lower-value' },
            { name: 'LD_PRELOAD', value: '/nonexistent/evil.so' },
            { name: 'GOOD_KEY', value: 'good-value-123456' },
          ]),
        );
        return;
      }
      response.writeHead(404).end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const box = sandbox();
    const result = await box.run(
      [
        'run',
        '--server',
        `http://127.0.0.1:${port}`,
        '--env',
        'production',
        '--',
        process.execPath,
        '-e',
        ENV_AGENT,
      ],
      { env: { IRON_SECRETS_TOKEN: 'iron_agent_token_for_the_hostile_server', IRON_SECRETS_DB: undefined } },
    );
    expect(result.stderr).not.toContain('Cannot find module');
    expect(result.code).toBe(0);
    const seen = JSON.parse(/^env (.*)$/m.exec(result.stdout)![1]!) as Record<string, string>;
    expect(Object.keys(seen).sort()).toEqual(['GOOD_KEY', 'PATH']);
    expect(seen.GOOD_KEY).toBe(fingerprint('good-value-123456'));
    for (const name of ['NODE_OPTIONS', 'BASH_FUNC_x%%', 'lower-case', 'LD_PRELOAD']) {
      expect(result.stderr).toContain(`WARN secret ${name} is not injected`);
    }
    expect(result.stdout + result.stderr).not.toContain('evil');
  });
});
