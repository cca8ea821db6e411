/** audit, audit verify and tokens through the real binary, including a tampered database. */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sandbox } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';

describe('audit', () => {
  it('shows the newest entries oldest first, filtered by secret, environment, time and count', async () => {
    const box = sandbox();
    await box.run(['set', 'A', '--env', 'staging'], { input: 'value-of-a-1' });
    await box.run(['set', 'B', '--env', 'production'], { input: 'value-of-b-1' });
    await box.run(['get', 'A', '--env', 'staging']);
    await box.run(['get', 'MISSING', '--env', 'staging']);

    const table = await box.run(['audit']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('4 audit entries (all environments)');
    expect(lines[1]).toMatch(/^ID\s+TIME\s+OPERATION\s+SECRET\s+ENVIRONMENT\s+WHO\s+RESULT$/);
    expect(lines[2]).toMatch(/^1\s+\S+Z\s+CREATE\s+A\s+staging\s+admin:\S+\s+ok$/);
    expect(lines[5]).toMatch(
      /READ \(value\)\s+MISSING\s+staging\s+admin:\S+\s+denied\/failed: SECRET_NOT_FOUND/,
    );
    expect(table.stdout).not.toContain('value-of');

    const json = async (...args: string[]) =>
      (
        JSON.parse((await box.run(['audit', '--json', ...args])).stdout) as {
          id: number;
          secret_name: string;
        }[]
      ).map((e) => `${e.id}:${e.secret_name}`);
    expect(await json('--secret', 'A')).toEqual(['1:A', '3:A']);
    expect(await json('--env', 'production')).toEqual(['2:B']);
    expect(await json('--limit', '2')).toEqual(['3:A', '4:MISSING']);
    expect(await json('--since', '1h')).toHaveLength(4);
    const [entry] = JSON.parse((await box.run(['audit', '--json', '--limit', '1'])).stdout);
    expect(Object.keys(entry).sort()).toEqual(
      [
        'agent_id',
        'environment',
        'error_message',
        'hash',
        'id',
        'operation',
        'prev_hash',
        'requester_id',
        'requester_role',
        'secret_name',
        'secret_version',
        'digest',
        'disclosure',
        'success',
        'timestamp',
      ].sort(),
    );
  });

  it('verify: exit 0 when intact; exit 6 naming the first bad entry after tampering', async () => {
    const box = sandbox();
    for (const name of ['A', 'B', 'C']) await box.run(['set', name], { input: `value-of-${name}-1` });
    const intact = await box.run(['audit', 'verify']);
    expect(intact).toMatchObject({ code: 0, stdout: 'Audit trail intact: 3 entries verified\n' });
    expect(JSON.parse((await box.run(['audit', 'verify', '--json'])).stdout)).toEqual({
      ok: true,
      entries: 3,
      first_bad_id: null,
      reason: null,
    });

    // Someone with write access to the file rewrites history: who deleted B.
    const db = new BetterSqlite3(box.db);
    db.exec('DROP TRIGGER secret_audit_log_no_update');
    db.prepare("UPDATE secret_audit_log SET requester_id = 'someone-else' WHERE id = 2").run();
    db.close();
    const broken = await box.run(['audit', 'verify']);
    expect(broken.code).toBe(6);
    expect(broken.stderr).toMatch(
      /^error: the audit trail is broken at entry 2: .* \(AUDIT_CHAIN_BROKEN\)\nhint: /,
    );
    const brokenJson = await box.run(['audit', 'verify', '--json']);
    expect(brokenJson.code).toBe(6);
    expect(JSON.parse(brokenJson.stdout)).toMatchObject({ ok: false, first_bad_id: 2 });
  });

  it('a tampered ciphertext is an integrity failure (exit 6), never a wrong value', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY'], { input: VALUE });
    const db = new BetterSqlite3(box.db);
    db.prepare('UPDATE secrets SET encrypted_blob = randomblob(length(encrypted_blob))').run();
    db.close();
    const result = await box.run(['get', 'KEY']);
    expect(result).toMatchObject({ code: 6, stdout: '' });
    expect(result.stderr).toContain('(DECRYPTION_FAILED)');
  });
});

describe('tokens', () => {
  it('create prints the token once; list never shows it; revoke is audited', async () => {
    const box = sandbox();
    await box.run(['init']);
    const created = await box.run([
      'token',
      'create',
      '--role',
      'agent',
      '--env',
      'production',
      '--env',
      'staging',
      '--agent-id',
      'lead-bot',
      '--secret',
      'OPENAI_*',
      '--expires-in',
      '30d',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^iron_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\n$/);
    const token = created.stdout.trim();
    const id = token.slice(5, 17);
    expect(created.stderr).toMatch(
      new RegExp(
        `^Created token ${id} \\(agent in production, staging, secrets OPENAI_\\*, agent id lead-bot; expires \\S+Z\\)\\n$`,
      ),
    );

    const asJson = await box.run(['token', 'create', '--role', 'viewer', '--json']);
    const { id: viewerId, token: viewerToken } = JSON.parse(asJson.stdout);
    expect(viewerToken).toMatch(new RegExp(`^iron_${viewerId}_`));

    const listed = await box.run(['token', 'list']);
    expect(listed.stdout).toMatch(
      new RegExp(`${id}\\s+agent\\s+production,staging\\s+OPENAI_\\*\\s+lead-bot\\s+\\S+\\s+\\S+Z\\s+active`),
    );
    expect(listed.stdout).toMatch(
      new RegExp(`${viewerId}\\s+viewer\\s+all\\s+all\\s+-\\s+\\S+\\s+-\\s+active`),
    );
    const listedJson = await box.run(['token', 'list', '--json']);
    for (const output of [listed.stdout, listedJson.stdout]) {
      expect(output).not.toContain(token.slice(18));
      expect(output).not.toContain(viewerToken.slice(18));
    }
    expect(JSON.parse(listedJson.stdout)[0]).toMatchObject({
      id,
      role: 'agent',
      agent_id: 'lead-bot',
      environments: ['production', 'staging'],
      secrets: ['OPENAI_*'],
      status: 'active',
    });

    expect(await box.run(['token', 'revoke', id])).toMatchObject({
      code: 0,
      stdout: `Revoked token ${id}\n`,
    });
    expect(await box.run(['token', 'revoke', id])).toMatchObject({
      code: 0,
      stdout: `Token ${id} was already revoked\n`,
    });
    expect(JSON.parse((await box.run(['token', 'list', '--json'])).stdout)[0].status).toBe('revoked');

    const trail = JSON.parse((await box.run(['audit', '--json'])).stdout) as {
      operation: string;
      secret_name: string;
    }[];
    expect(trail.map((e) => `${e.operation} ${e.secret_name}`)).toEqual([
      `CREATE token:${id}`,
      `CREATE token:${viewerId}`,
      `DELETE token:${id}`,
    ]);
    expect(JSON.stringify(trail)).not.toContain(token);
  });

  it('stores only the hash of a token', async () => {
    const box = sandbox();
    await box.run(['init']);
    const token = (await box.run(['token', 'create', '--role', 'admin'])).stdout.trim();
    const db = new BetterSqlite3(box.db, { readonly: true });
    const rows = db.prepare('SELECT * FROM access_tokens').all();
    db.close();
    expect(JSON.stringify(rows)).not.toContain(token.slice(18));
    expect(rows).toEqual([expect.objectContaining({ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
  });

  it('an agent token must name its environments', async () => {
    const box = sandbox();
    await box.run(['init']);
    const result = await box.run(['token', 'create', '--role', 'agent']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /agent token must name the environments .* \(USAGE\)\nhint: add --env production/,
    );
    expect(JSON.parse((await box.run(['token', 'list', '--json'])).stdout)).toEqual([]);
  });
});
