/**
 * @module listen-changes
 * Change notifications from PostgreSQL: one connection LISTENs on the changes channel. A dropped
 * connection is re-opened with backoff, and then the feed's head is read and announced, so a
 * subscriber re-reads whatever was committed while nobody was listening.
 */
import pg from 'pg';
import type { ChangeSource } from '../lib/change-listeners.js';
import { CHANGES_CHANNEL } from './statements.js';

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

/** What the listener needs: its connection settings, its schema, and how to read the head. */
export interface ListenSettings {
  readonly connection: pg.ClientConfig;
  readonly schema: string;
  readonly latest: () => Promise<number>;
}

export function listenChanges(settings: ListenSettings): ChangeSource {
  return async (notify) => {
    let stopped = false;
    let client: pg.Client | undefined;
    let retryMs = FIRST_RETRY_MS;
    let timer: NodeJS.Timeout | undefined;

    const connect = async (): Promise<void> => {
      // Named after its schema, so an operator (or a test) can find this connection.
      const next = new pg.Client({
        ...settings.connection,
        application_name: `iron-secrets listen ${settings.schema}`.slice(0, 63),
      });
      next.on('notification', (message) => {
        const separator = message.payload?.lastIndexOf(':') ?? -1;
        if (separator < 0 || message.payload!.slice(0, separator) !== settings.schema) return;
        const seq = Number(message.payload!.slice(separator + 1));
        if (Number.isSafeInteger(seq)) notify(seq);
      });
      next.on('error', () => reconnect(next));
      next.on('end', () => reconnect(next));
      try {
        await next.connect();
        await next.query(`LISTEN ${CHANGES_CHANNEL}`);
      } catch (error) {
        await next.end().catch(() => {});
        throw error;
      }
      client = next;
      retryMs = FIRST_RETRY_MS;
    };

    const reconnect = (dead: pg.Client) => {
      if (stopped || client !== dead) return;
      client = undefined;
      dead.end().catch(() => {});
      schedule();
    };

    const schedule = () => {
      timer = setTimeout(async () => {
        if (stopped) return;
        try {
          await connect();
          // Whatever committed while the connection was down was not announced: announce the head.
          notify(await settings.latest());
        } catch {
          if (client) reconnect(client);
          else {
            retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
            schedule();
          }
        }
      }, retryMs).unref();
    };

    await connect();
    return async () => {
      stopped = true;
      clearTimeout(timer);
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    };
  };
}
