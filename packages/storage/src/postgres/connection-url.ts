/**
 * @module connection-url
 * Reading a `postgres://` URL, and printing it without its password.
 */
import { StorageError } from '../storage-error.js';

/** Whether `location` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * The URL parsed, or STORAGE_UNAVAILABLE saying what was expected. The message never repeats
 * the URL: it may hold a password.
 */
export function parsePostgresUrl(location: string): URL {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      'the database URL is malformed: expected postgres://user[:password]@host[:port]/database',
    );
  }
  if (url.hostname === '' && !url.searchParams.has('host')) {
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      'the database URL names no host: expected postgres://user[:password]@host[:port]/database',
    );
  }
  if (url.pathname.length <= 1) {
    throw new StorageError(
      'STORAGE_UNAVAILABLE',
      'the database URL names no database: expected postgres://user[:password]@host[:port]/database',
    );
  }
  return url;
}

/** The URL as it may be printed: no password, in the authority or in the query. */
export function printableUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '***';
  if (copy.searchParams.has('password')) copy.searchParams.set('password', '***');
  return copy.href;
}

/**
 * What may be printed of any database location: a file path as it is, a URL without its password
 * (and a malformed URL not at all, since where its password is cannot be told).
 */
export function printableLocation(location: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  try {
    return printableUrl(new URL(location));
  } catch {
    return 'the database URL (malformed)';
  }
}
