/**
 * The secret commands through the real binary: set, get, list, delete, init, keygen; stdin
 * without a terminal; exit codes; JSON.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';

describe('keygen and init', () => {
  it('keygen prints a 32-byte base64 key and nothing else, different each time', async () => {
    const box = sandbox();
    const first = await box.run(['keygen']);
    const second = await box.run(['keygen']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(first.stdout.trim(), 'base64')).toHaveLength(32);
    expect(second.stdout).not.toBe(first.stdout);
  });

  it('init creates the database, then says it exists; without a key it says how to make one (exit 5)', async () => {
    const box = sandbox();
    const noKey = await box.run(['init'], { env: { IRON_CAGE_MASTER_KEY: undefined } });
    expect(noKey.code).toBe(5);
    expect(noKey.stderr).toMatch(/^error: .* \(MASTER_KEY_NOT_FOUND\)\nhint: .*iron-secrets keygen/);
    expect(box.fingerprint()).toBe('absent');

    expect(await box.run(['init'])).toMatchObject({ code: 0, stdout: `Created database at ${box.db}\n` });
    expect(await box.run(['init'])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('already exists'),
    });
    expect(statSync(box.db).mode & 0o777).toBe(0o600);
  });

  it('uses the per-user data directory by default, created 0700 with a 0600 file', async () => {
    const box = sandbox();
    const result = await box.run(['set', 'KEY'], { input: VALUE, env: { IRON_SECRETS_DB: undefined } });
    expect(result).toMatchObject({ code: 0, stdout: 'Created KEY in development\n' });
    const directory = join(box.dir, 'xdg', 'iron-secrets');
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(join(directory, 'secrets.db')).mode & 0o777).toBe(0o600);
    const got = await box.run(['get', 'KEY'], { env: { IRON_SECRETS_DB: undefined } });
    expect(got.stdout).toBe(VALUE);
  });

  it('--db wins over IRON_SECRETS_DB, before or after the command name', async () => {
    const box = sandbox();
    const other = join(box.dir, 'other.db');
    await box.run(['--db', other, 'set', 'KEY'], { input: VALUE });
    expect((await box.run(['get', 'KEY', '--db', other])).stdout).toBe(VALUE);
    expect(box.fingerprint()).toBe('absent');
  });
});

describe('set, get, list, delete', () => {
  it('stores from stdin (one trailing newline removed), updates, and never prints the value', async () => {
    const box = sandbox();
    const created = await box.run(['set', 'OPENAI_API_KEY', '--env', 'production'], { input: `${VALUE}\n` });
    expect(created).toEqual({
      code: 0,
      signal: null,
      stdout: 'Created OPENAI_API_KEY in production\n',
      stderr: '',
    });
    const updated = await box.run(['set', 'OPENAI_API_KEY', '--env', 'production'], {
      input: 'sk-proj-NEW-value-42\r\n',
    });
    expect(updated.stdout).toBe('Updated OPENAI_API_KEY in production\n');
    for (const result of [created, updated]) expect(result.stdout + result.stderr).not.toContain('sk-proj');

    const got = await box.run(['get', 'OPENAI_API_KEY', '--env', 'production']);
    expect(got).toEqual({ code: 0, signal: null, stdout: 'sk-proj-NEW-value-42', stderr: '' });
  });

  it('keeps a --from-file value exactly, trailing newline and all', async () => {
    const box = sandbox();
    const { writeFileSync } = await import('node:fs');
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
    writeFileSync(join(box.dir, 'id'), pem);
    expect((await box.run(['set', 'SSH_KEY', '--from-file', join(box.dir, 'id')])).code).toBe(0);
    expect((await box.run(['get', 'SSH_KEY'])).stdout).toBe(pem);
  });

  it('takes the environment from --env, else IRON_SECRETS_ENV, else development', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY'], { input: 'in-development' });
    await box.run(['set', 'KEY'], { input: 'in-staging-1', env: { IRON_SECRETS_ENV: 'staging' } });
    await box.run(['set', 'KEY', '--env', 'production'], {
      input: 'in-production',
      env: { IRON_SECRETS_ENV: 'staging' },
    });
    expect((await box.run(['get', 'KEY'])).stdout).toBe('in-development');
    expect((await box.run(['get', 'KEY'], { env: { IRON_SECRETS_ENV: 'staging' } })).stdout).toBe(
      'in-staging-1',
    );
    expect((await box.run(['get', 'KEY', '--env', 'production'])).stdout).toBe('in-production');
  });

  it('get --masked and --json', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY', '--env', 'staging'], { input: VALUE });
    expect((await box.run(['get', 'KEY', '--env', 'staging', '--masked'])).stdout).toBe('sk-proj-ab...789');
    // The metadata of list --json too (issue 15: rotation_status in every JSON form).
    const metadata = {
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
      expires_at: null,
      rotate_every_seconds: null,
      rotation_due_at: null,
      rotation_status: 'ok',
      // Issue 16: what `set --if-match` takes back.
      etag: expect.stringMatching(/^"[A-Za-z0-9_-]{22}"$/),
    };
    expect(JSON.parse((await box.run(['get', 'KEY', '--env', 'staging', '--json'])).stdout)).toEqual({
      name: 'KEY',
      environment: 'staging',
      value: VALUE,
      value_masked: 'sk-proj-ab...789',
      ...metadata,
    });
    expect(
      JSON.parse((await box.run(['get', 'KEY', '--env', 'staging', '--json', '--masked'])).stdout),
    ).toEqual({
      name: 'KEY',
      environment: 'staging',
      value_masked: 'sk-proj-ab...789',
      ...metadata,
    });
  });

  it('list shows masked values and rotation status, as a table or JSON, and never a value', async () => {
    const box = sandbox();
    await box.run(['set', 'OPENAI_API_KEY', '--env', 'production', '--rotate-every', '30d'], {
      input: VALUE,
    });
    await box.run(['set', 'DB_PASSWORD', '--env', 'production', '--expires-in', '90d'], {
      input: 'hunter2-but-longer',
    });
    await box.run(['set', 'OTHER', '--env', 'staging'], { input: 'not-in-production' });
    const table = await box.run(['list', '--env', 'production']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('2 secrets in production');
    expect(lines[1]).toMatch(/^NAME\s+VALUE\s+ENVIRONMENT\s+UPDATED\s+ROTATION$/);
    expect(lines[2]).toMatch(/^DB_PASSWORD\s+hun\.\.\.ger\s+production\s+\d{4}-\d\d-\d\dT[\d:]+Z\s+ok$/);
    expect(lines[3]).toMatch(/^OPENAI_API_KEY\s+sk-proj-ab\.\.\.789\s+production\s+\S+\s+ok$/);
    expect(table.stdout).not.toContain(VALUE);

    const json = JSON.parse((await box.run(['list', '--env', 'production', '--json'])).stdout);
    expect(json).toHaveLength(2);
    expect(json[1]).toEqual({
      name: 'OPENAI_API_KEY',
      environment: 'production',
      value_masked: 'sk-proj-ab...789',
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
      expires_at: null,
      rotate_every_seconds: 2_592_000,
      rotation_due_at: expect.stringMatching(/Z$/),
      rotation_status: 'ok',
    });
    expect(json[0].expires_at).toMatch(/Z$/);
    expect(JSON.stringify(json)).not.toContain(VALUE);
    expect((await box.run(['list', '--env', 'development'])).stdout).toBe('0 secrets in development\n');
  });

  it('delete needs --yes without a terminal, then deletes; a second delete is not found (exit 3)', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY'], { input: VALUE });
    const before = box.fingerprint();
    const refused = await box.run(['delete', 'KEY']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: delete needs --yes when there is no terminal .* \(USAGE\)\n/);
    expect(box.fingerprint()).toBe(before);
    expect(await box.run(['delete', 'KEY', '--yes'])).toMatchObject({
      code: 0,
      stdout: 'Deleted KEY from development\n',
    });
    const again = await box.run(['delete', 'KEY', '--yes']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('(SECRET_NOT_FOUND)');
  });

  it('get of a missing secret is exit 3; commands that read refuse a database that does not exist', async () => {
    const box = sandbox();
    const missingDb = await box.run(['list']);
    expect(missingDb.code).toBe(3);
    expect(missingDb.stderr).toMatch(/\(DATABASE_NOT_FOUND\)\nhint: create it with `iron-secrets init`/);
    expect(box.fingerprint()).toBe('absent');
    await box.run(['init']);
    const missing = await box.run(['get', 'NOPE']);
    expect(missing).toMatchObject({ code: 3, stdout: '' });
    expect(missing.stderr).toBe(
      "error: no secret named 'NOPE' in development (SECRET_NOT_FOUND)\nhint: `iron-secrets list --env <environment>` shows what an environment holds\n",
    );
  });

  it('records the operator OS user name as the audit identity, acting as admin', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY'], { input: VALUE });
    const [entry] = JSON.parse((await box.run(['audit', '--json'])).stdout);
    const { userInfo } = await import('node:os');
    expect(entry).toMatchObject({
      operation: 'CREATE',
      requester_role: 'admin',
      requester_id: userInfo().username,
    });
  });
});
