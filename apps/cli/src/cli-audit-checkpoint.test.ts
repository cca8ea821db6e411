/**
 * Issue 14 finding 4 through the real binary: `audit checkpoint`, `audit public-key`,
 * `audit verify --checkpoint` (exit 6 when the log does not extend it), and the outside
 * verification script of docs/operations.md, run as an auditor without the master key would.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sandbox, startCli } from './test-support.js';

const SCRIPT = join(import.meta.dirname, '..', '..', '..', 'docs', 'examples', 'verify-checkpoint.mjs');
const run = promisify(execFile);

describe('audit checkpoint', () => {
  it('prints a signed checkpoint; verify --checkpoint passes while the log extends it, exit 6 after a rollback', async () => {
    const box = sandbox();
    await box.run(['set', 'A', '--env', 'production'], { input: 'value-of-a-long-1' });
    const backup = join(box.dir, 'backup.db');
    await box.run(['audit', 'checkpoint']); // the signing key exists in the backup too
    copyFileSync(box.db, backup);
    await box.run(['set', 'A', '--env', 'production'], { input: 'value-of-a-long-2' });

    const printed = await box.run(['audit', 'checkpoint']);
    expect(printed.code).toBe(0);
    const checkpoint = JSON.parse(printed.stdout);
    expect(checkpoint).toMatchObject({ v: 1, kind: 'checkpoint', lastId: 2, entries: 2 });
    const file = join(box.dir, 'checkpoint.json');
    writeFileSync(file, printed.stdout);

    await box.run(['get', 'A', '--env', 'production']);
    expect(await box.run(['audit', 'verify', '--checkpoint', file])).toMatchObject({ code: 0 });

    const rolledBack = await box.run(['audit', 'verify', '--checkpoint', file], {
      env: { IRON_SECRETS_DB: backup },
    });
    expect(rolledBack.code).toBe(6);
    expect(rolledBack.stderr).toContain('checkpoint');
    expect((await box.run(['audit', 'verify'], { env: { IRON_SECRETS_DB: backup } })).code).toBe(0);
  });

  it('refuses a file that is not a checkpoint (exit 2) and a forged one (exit 6)', async () => {
    const box = sandbox();
    await box.run(['set', 'A'], { input: 'value-of-a-long-1' });
    const checkpoint = JSON.parse((await box.run(['audit', 'checkpoint'])).stdout);
    const junk = join(box.dir, 'junk.json');
    writeFileSync(junk, '{"v":1}');
    expect((await box.run(['audit', 'verify', '--checkpoint', junk])).code).toBe(2);
    expect((await box.run(['audit', 'verify', '--checkpoint', '/dev/zero'])).code).toBe(2);
    const forged = join(box.dir, 'forged.json');
    writeFileSync(forged, JSON.stringify({ ...checkpoint, entries: 7 }));
    const result = await box.run(['audit', 'verify', '--checkpoint', forged]);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('signature');
  });

  it('public-key lists the keys; the documented script verifies exported entries without the master key', async () => {
    const box = sandbox();
    await box.run(['set', 'A', '--env', 'production'], { input: 'value-of-a-long-1' });
    expect((await box.run(['audit', 'public-key'])).stderr).toContain('No checkpoint');
    const checkpointFile = join(box.dir, 'checkpoint.json');
    writeFileSync(checkpointFile, (await box.run(['audit', 'checkpoint'])).stdout);
    await box.run(['get', 'A', '--env', 'production']);
    await box.run(['set', 'B', '--env', 'staging'], { input: 'value-of-b-long-1' });

    const keys = await box.run(['audit', 'public-key']);
    expect(keys.stdout).toMatch(
      /^# key [0-9a-f]{16}: entries after 0 \(current\)\n-----BEGIN PUBLIC KEY-----/,
    );
    const pem = join(box.dir, 'audit-key.pem');
    writeFileSync(pem, keys.stdout.split('\n').slice(1).join('\n'));
    const entries = join(box.dir, 'entries.json');
    writeFileSync(entries, (await box.run(['audit', '--json', '--limit', '10000'])).stdout);

    // No IRON_CAGE_MASTER_KEY, no database: only the files an auditor holds.
    const { stdout } = await run(process.execPath, [SCRIPT, pem, checkpointFile, entries], { env: {} });
    expect(stdout).toContain('verified: entries 1..3');

    const exported = JSON.parse((await box.run(['audit', '--json', '--limit', '10000'])).stdout);
    exported[1].requester_role = 'viewer';
    writeFileSync(entries, JSON.stringify(exported));
    await expect(
      run(process.execPath, [SCRIPT, pem, checkpointFile, entries], { env: {} }),
    ).rejects.toMatchObject({
      code: 1,
    });

    // What the READ handed out is in the public digest too: value turned into masked fails.
    const softened = JSON.parse((await box.run(['audit', '--json', '--limit', '10000'])).stdout);
    expect(softened[1]).toMatchObject({ operation: 'READ', disclosure: 'value' });
    softened[1].disclosure = 'masked';
    writeFileSync(entries, JSON.stringify(softened));
    await expect(
      run(process.execPath, [SCRIPT, pem, checkpointFile, entries], { env: {} }),
    ).rejects.toMatchObject({ code: 1 });
  });
});

describe('serve --checkpoint-every', () => {
  it('writes a checkpoint at start to the file (0600), which audit verify accepts; a bad duration is exit 2', async () => {
    const box = sandbox();
    await box.run(['set', 'A', '--env', 'production'], { input: 'value-of-a-long-1' });
    const file = join(box.dir, 'checkpoints.jsonl');
    const server = startCli(
      ['serve', '--port', '0', '--checkpoint-every', '10s', '--checkpoint-file', file],
      box.env(),
    );
    await server.waitFor(/^Serving /);
    await until(() => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n'));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ kind: 'checkpoint', lastId: 1 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const first = join(box.dir, 'first.json');
    writeFileSync(first, lines[0]!);
    await box.run(['get', 'A', '--env', 'production']);
    expect((await box.run(['audit', 'verify', '--checkpoint', first])).code).toBe(0);

    const toStdout = startCli(['serve', '--port', '0', '--checkpoint-every', '1h'], box.env());
    await until(() => toStdout.stdout().toString().includes('"kind":"checkpoint"'));
    toStdout.child.kill('SIGTERM');
    expect(await toStdout.exited).toBe(0);
    expect(JSON.parse(toStdout.stdout().toString().trim())).toMatchObject({ kind: 'checkpoint' });

    for (const every of ['1s', '30d', 'soon']) {
      expect((await box.run(['serve', '--port', '0', '--checkpoint-every', every])).code).toBe(2);
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
