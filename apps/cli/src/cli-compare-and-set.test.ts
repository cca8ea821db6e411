/**
 * Issue 16 through the real binary: `get --json` shows the secret's entity tag as `etag`, and
 * `set --if-match TAG` writes only while the secret is still in that state, else exits 1 with
 * PRECONDITION_FAILED and writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { sandbox } from './test-support.js';

const VALUE = 'sk-proj-abc123def456ghi789';

describe('set --if-match', () => {
  it('get --json gives the etag; set --if-match with it writes, with a stale one exits 1', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY', '--env', 'production'], { input: VALUE });
    const read = JSON.parse((await box.run(['get', 'KEY', '--env', 'production', '--json'])).stdout);
    expect(read.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);

    const updated = await box.run(['set', 'KEY', '--env', 'production', '--if-match', read.etag], {
      input: 'second-value',
    });
    expect(updated).toMatchObject({ code: 0, stdout: 'Updated KEY in production\n', stderr: '' });

    const stale = await box.run(['set', 'KEY', '--env', 'production', '--if-match', read.etag], {
      input: 'third-value',
    });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^error: .* \(PRECONDITION_FAILED\)\n/);
    expect(stale.stdout).toBe('');
    expect((await box.run(['get', 'KEY', '--env', 'production'])).stdout).toBe('second-value');

    const now = JSON.parse((await box.run(['get', 'KEY', '--env', 'production', '--json'])).stdout);
    expect(now.etag).not.toBe(read.etag);
    // As a script that lost the quotes would pass it.
    const bare = await box.run(['set', 'KEY', '--env', 'production', '--if-match', now.etag.slice(1, -1)], {
      input: 'fourth-value',
    });
    expect(bare.code).toBe(0);
  });

  it('--if-match never creates: a missing secret exits 1; * updates one that exists', async () => {
    const box = sandbox();
    const missing = await box.run(['set', 'KEY', '--if-match', '*'], { input: VALUE });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/\(PRECONDITION_FAILED\)/);
    expect((await box.run(['get', 'KEY'])).code).toBe(3);
    await box.run(['set', 'KEY'], { input: VALUE });
    expect((await box.run(['set', 'KEY', '--if-match', '*'], { input: 'second-value' })).code).toBe(0);
    expect((await box.run(['get', 'KEY'])).stdout).toBe('second-value');
  });

  it('a malformed tag is a usage error (exit 2), never echoed', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY'], { input: VALUE });
    const bad = await box.run(['set', 'KEY', '--if-match', '"sk-proj-oops'], { input: 'second-value' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\(INVALID_ARGUMENT\)/);
    expect(bad.stderr).not.toContain('sk-proj');
    expect((await box.run(['get', 'KEY'])).stdout).toBe(VALUE);
  });
});

describe('set from many processes at once', () => {
  it('every plain set of one secret succeeds; the secret ends at one of them', async () => {
    const box = sandbox();
    await box.run(['set', 'HOT'], { input: VALUE });
    const values = Array.from({ length: 6 }, (_, n) => `process-${n}-value`);
    const results = await Promise.all(values.map((value) => box.run(['set', 'HOT'], { input: value })));
    expect(results.map((result) => [result.code, result.stderr])).toEqual(values.map(() => [0, '']));
    expect(values).toContain((await box.run(['get', 'HOT'])).stdout);
    expect((await box.run(['audit', 'verify'])).code).toBe(0);
  });
});
