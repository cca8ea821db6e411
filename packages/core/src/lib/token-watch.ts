/**
 * @module token-watch
 * Ending what an access token opened, an event stream, once the token stops being valid
 * (issue 14, finding 6). A stream is authenticated once, when it opens, and may live for days:
 * without this, a revoked or expired token kept receiving events.
 *
 * One watcher per manager serves every open stream:
 * - **Expiry** is checked locally every {@link EXPIRY_TICK_MS} against the expiry read from the
 *   token's row: no database read, and the stream ends within that tick of the expiry.
 * - **Revocation** is learnt from the change feed: a revoking transaction announces itself
 *   (PostgreSQL NOTIFY reaches every instance; SQLite's poll sees the revocation's audit entry),
 *   and each announcement re-reads the watched tokens' rows, all in one read transaction.
 * - Every {@link FALLBACK_RECHECK_MS} the rows are re-read anyway: an announcement can be missed
 *   (a revocation by a version that did not announce, a LISTEN connection that was down).
 * - A stream may also re-read its own token on demand (`check()`): before it writes a batch of
 *   events and with each keep-alive, so nothing goes out after a revocation it could have seen.
 *
 * It fails closed: a token whose row cannot be read (the database is unreachable, the manager
 * closed) ends its streams, which the client reopens, authenticating again.
 */
import type { ChangeSubscription } from '@iron/secrets-storage';
import { IronSecretsError } from '../errors.js';
import type { TokenEndReason, TokenStanding } from '../operations/token-standing.js';

/** How often expiries are compared with the clock: a stream ends within this of its token's expiry. */
export const EXPIRY_TICK_MS = 250;

/** Rows are re-read at least this often even without an announcement. */
export const FALLBACK_RECHECK_MS = 5_000;

/** Why a watched token's streams must end: its standing, or `unavailable` when it cannot be read. */
export type TokenWatchEndReason = TokenEndReason | 'unavailable';

/** A watch on one token, held by one stream. */
export interface TokenWatch {
  /**
   * Re-reads the token's row now; false (and the watch has ended, `onEnd` called) when it is no
   * longer valid or cannot be read.
   */
  check(): Promise<boolean>;
  /** Stops watching; `onEnd` is not called afterwards. */
  close(): Promise<void>;
}

/** What the watcher needs from its manager. */
export interface TokenWatchHost {
  /** The standing of each id, read with the manager's current keys. */
  standings(ids: readonly string[]): Promise<Map<string, TokenStanding>>;
  /** Subscribes to the change feed (announcements included). */
  watchChanges(listener: () => void): Promise<ChangeSubscription>;
  /** The manager's clock, unix seconds. */
  now(): number;
}

interface Watched {
  readonly id: string;
  expiresAt: number | null;
  readonly onEnd: (reason: TokenWatchEndReason) => void;
  ended: boolean;
}

/** Every open watch of one manager, with one feed subscription and one timer while there is any. */
export class TokenWatcher {
  readonly #host: TokenWatchHost;
  readonly #watched = new Set<Watched>();
  #subscription: Promise<ChangeSubscription> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastRead = 0;
  #reading: Promise<void> | undefined;
  #readAgain = false;

  constructor(host: TokenWatchHost) {
    this.#host = host;
  }

  /**
   * Watches token `id`: `onEnd` is called once when it is revoked (anywhere), expires, stops
   * verifying, or can no longer be read. INVALID_TOKEN at once when it is not valid now.
   */
  async watch(id: string, onEnd: (reason: TokenWatchEndReason) => void): Promise<TokenWatch> {
    const watched: Watched = { id, expiresAt: null, onEnd, ended: false };
    this.#watched.add(watched);
    try {
      // Subscribed before the row is read: a revocation committed in between is announced to us.
      await this.#start();
      const standing = (await this.#host.standings([id])).get(id)!;
      if (!standing.valid) {
        throw new IronSecretsError(
          'INVALID_TOKEN',
          `the access token was refused: token ${id} is ${standing.reason}`,
        );
      }
      watched.expiresAt = standing.expiresAt;
    } catch (error) {
      watched.ended = true;
      this.#forget(watched);
      throw error;
    }
    return {
      check: async () => {
        if (!watched.ended) await this.#read([watched]);
        return !watched.ended;
      },
      close: async () => {
        watched.ended = true;
        this.#forget(watched);
      },
    };
  }

  /** Ends every watch (the manager is closing): their streams end now, not at the next read. */
  endAll(): void {
    for (const watched of [...this.#watched]) this.#end(watched, 'unavailable');
  }

  async #start(): Promise<void> {
    if (this.#subscription === undefined) {
      this.#subscription = this.#host.watchChanges(() => this.#readAll());
      this.#timer = setInterval(() => this.#tick(), EXPIRY_TICK_MS).unref();
      this.#lastRead = Date.now();
    }
    try {
      await this.#subscription;
    } catch (error) {
      this.#stop();
      throw error;
    }
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const subscription = this.#subscription;
    this.#subscription = undefined;
    void subscription?.then((s) => s.close()).catch(() => {});
  }

  #tick(): void {
    let now: number;
    try {
      now = this.#host.now();
    } catch {
      return;
    }
    for (const watched of [...this.#watched]) {
      if (watched.expiresAt !== null && watched.expiresAt <= now) this.#end(watched, 'expired');
    }
    if (Date.now() - this.#lastRead >= FALLBACK_RECHECK_MS) this.#readAll();
  }

  /** Re-reads every watched row; a call while a read runs is folded into one more read after it. */
  #readAll(): void {
    if (this.#reading !== undefined) {
      this.#readAgain = true;
      return;
    }
    this.#reading = (async () => {
      do {
        this.#readAgain = false;
        await this.#read([...this.#watched]);
      } while (this.#readAgain && this.#watched.size > 0);
      this.#reading = undefined;
    })();
  }

  async #read(watches: readonly Watched[]): Promise<void> {
    if (watches.length === 0) return;
    this.#lastRead = Date.now();
    let standings: Map<string, TokenStanding>;
    try {
      standings = await this.#host.standings([...new Set(watches.map((w) => w.id))]);
    } catch {
      for (const watched of watches) this.#end(watched, 'unavailable');
      return;
    }
    for (const watched of watches) {
      const standing = standings.get(watched.id)!;
      if (!standing.valid) this.#end(watched, standing.reason);
      else watched.expiresAt = standing.expiresAt;
    }
  }

  #end(watched: Watched, reason: TokenWatchEndReason): void {
    if (watched.ended) return;
    watched.ended = true;
    this.#forget(watched);
    try {
      watched.onEnd(reason);
    } catch {
      // one stream's failure must not keep the others open
    }
  }

  #forget(watched: Watched): void {
    this.#watched.delete(watched);
    if (this.#watched.size === 0) this.#stop();
  }
}
