/**
 * Issue 15: the first `init` of a PostgreSQL database says it bound the database to this master
 * key; a repeat says the key was checked (as before). Against a database of the test's own.
 */
import { freshPostgresDatabase, type OwnPostgresDatabase } from '@iron/secrets-storage/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { newMasterKey, sandbox } from './test-support.js';

const databases: OwnPostgresDatabase[] = [];
afterEach(async () => {
  for (const db of databases.splice(0)) await db.drop();
});

describe('init on PostgreSQL', () => {
  it('says the first init bound the database to this master key, and a repeat that it checked it', async () => {
    const db = await freshPostgresDatabase();
    databases.push(db);
    const url = new URL(db.location);
    url.password = 'hunter2-never-printed'; // trust authentication ignores it
    const box = sandbox();
    const env = { IRON_SECRETS_DB: url.href };
    const printable = url.href.replace('hunter2-never-printed', '***');

    const first = await box.run(['init'], { env });
    expect(first).toMatchObject({
      code: 0,
      stdout: `Database ${printable} is ready (schema up to date, bound to this master key)\n`,
      stderr: '',
    });
    const again = await box.run(['init'], { env });
    expect(again).toMatchObject({
      code: 0,
      stdout: `Database ${printable} is ready (schema up to date, master key checked)\n`,
    });
    // Another key is refused, as before.
    const other = await box.run(['init'], { env: { ...env, IRON_CAGE_MASTER_KEY: newMasterKey() } });
    expect(other.code).toBe(5);
    expect(first.stdout + again.stdout + other.stderr).not.toContain('hunter2');
  }, 30_000);
});
