/**
 * `audit` and `events`, the names of the HTTP API's routes under /api/secrets/, through the real
 * binary: `set` refuses them before asking for the value, `import` names each such line (and
 * `--skip-reserved` skips it), and `AUDIT` is an ordinary name.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandbox } from './test-support.js';

describe('route names under /api/secrets/ are reserved', () => {
  it('set audit exits 2 with RESERVED_SECRET_NAME; set AUDIT works', async () => {
    const box = sandbox();
    const refused = await box.run(['set', 'audit', '--env', 'staging'], { input: 'value-12345' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('(RESERVED_SECRET_NAME)');
    expect(refused.stderr).toContain('GET /api/secrets/audit');
    expect((await box.run(['set', 'AUDIT', '--env', 'staging'], { input: 'value-12345' })).code).toBe(0);
  });

  it('import names each such line, and --skip-reserved imports the rest', async () => {
    const box = sandbox();
    const file = join(box.dir, '.env');
    writeFileSync(file, ['GOOD_KEY=value-1', 'events=value-2', 'EVENTS=value-3', ''].join('\n'));
    const refused = await box.run(['import', file, '--env', 'staging']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('(RESERVED_SECRET_NAME)');
    expect(refused.stderr).toMatch(
      /line 2: events is reserved: the HTTP API serves GET \/api\/secrets\/events/,
    );
    expect(refused.stderr).toMatch(/--skip-reserved/);
    const imported = await box.run(['import', file, '--env', 'staging', '--skip-reserved']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^Imported 2 from /);
    expect(imported.stderr).toMatch(/warning: .*line 2: events is reserved, not imported/);
  });
});
