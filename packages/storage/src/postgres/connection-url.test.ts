import { describe, expect, it } from 'vitest';
import { openStorage } from '../open-storage.js';
import { parsePostgresUrl, printableLocation, printableUrl } from './connection-url.js';

describe('PostgreSQL URLs', () => {
  it('are printed without their password, in the authority or the query', () => {
    expect(printableUrl(parsePostgresUrl('postgres://iron:s3cret-pw@db.internal:5432/iron'))).toBe(
      'postgres://iron:***@db.internal:5432/iron',
    );
    expect(printableUrl(parsePostgresUrl('postgresql://iron@db/iron?password=s3cret-pw'))).not.toContain(
      's3cret',
    );
    expect(printableLocation('/var/lib/iron-secrets/secrets.db')).toBe('/var/lib/iron-secrets/secrets.db');
    expect(printableLocation('postgres://iron:s3cret-pw@[db/iron')).not.toContain('s3cret');
  });

  it.each([
    ['postgres://', /expected postgres:\/\/user\[:password\]@host/],
    ['postgres://user:s3cret-pw@/iron', /expected postgres:\/\/user\[:password\]@host/],
    ['postgres://user:s3cret-pw@db.internal', /names no database/],
  ])('refuses %s, saying what was expected and never echoing it', async (url, message) => {
    const error = await openStorage(url).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', message: expect.stringMatching(message) });
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('says where it could not connect, without the password', async () => {
    const error = await openStorage('postgres://iron:s3cret-pw@127.0.0.1:1/iron').catch(
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect((error as Error).message).toContain('postgres://iron:***@127.0.0.1:1/iron');
    expect((error as Error).message).not.toContain('s3cret');
  });
});
