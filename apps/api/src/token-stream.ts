/**
 * @module token-stream
 * The lifetime of a server-sent event stream opened with an access token (issue 14, finding 6).
 *
 * A stream is authenticated once, when it opens, but may stay open for days. It ends when the
 * client goes, when the server shuts down, and when its token stops being valid: revoked on any
 * instance (the revocation is announced on the change feed), expired (checked against the clock
 * every 250 ms), or no longer verifying. The token is also re-read before every batch of events
 * and with every keep-alive, so nothing goes out after a revocation that could have been seen.
 * The last thing sent is `event: token.revoked` (or `token.expired`, `token.invalid`), so that a
 * client knows not to reconnect with the same token.
 */
import type { SecretsManager, TokenWatch, TokenWatchEndReason } from '@iron/secrets-core';
import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { ApiEnv } from './app.js';

/** A comment line this often keeps proxies from closing an idle stream. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * Once a stream must end, how long a write may still block (a client that stopped reading)
 * before the stream is cut: the end comes within a second whatever the client does.
 */
const END_GRACE_MS = 500;

/** A stream held open by a token; {@link TokenStream.respond} starts it. */
export class TokenStream {
  readonly #ended = new AbortController();
  readonly #closing: AbortSignal | undefined;
  readonly #onClosing = () => this.#ended.abort();
  #watch: TokenWatch | undefined;
  #reason: TokenWatchEndReason | undefined;

  private constructor(closing: AbortSignal | undefined) {
    this.#closing = closing;
  }

  /** Starts watching the request's token; INVALID_TOKEN (401) when it is no longer valid. */
  static async open(
    c: Context<ApiEnv>,
    manager: SecretsManager,
    closing: AbortSignal | undefined,
  ): Promise<TokenStream> {
    const stream = new TokenStream(closing);
    const tokenId = c.get('requester').id;
    if (tokenId === undefined) throw new Error('an event stream needs a requester authenticated by a token');
    stream.#watch = await manager.watchToken(tokenId, (reason) => {
      stream.#reason = reason;
      stream.#ended.abort();
    });
    closing?.addEventListener('abort', stream.#onClosing, { once: true });
    if (closing?.aborted) stream.#ended.abort();
    return stream;
  }

  /** Aborted when the stream must end: the client went, the server closes, or the token ended. */
  get signal(): AbortSignal {
    return this.#ended.signal;
  }

  /** Re-reads the token: false when the stream must end (the signal is then aborted too). */
  async tokenValid(): Promise<boolean> {
    return !this.#ended.signal.aborted && (await this.#watch!.check());
  }

  /** Gives up before responding (setting up the stream failed). */
  async cancel(): Promise<void> {
    this.#closing?.removeEventListener('abort', this.#onClosing);
    await this.#watch?.close();
  }

  /**
   * The SSE response: runs `body` until it returns, with keep-alive comments, then `release`s what
   * the route opened and says why the token ended, if it did.
   */
  respond(
    c: Context<ApiEnv>,
    body: (stream: SSEStreamingApi) => Promise<void>,
    release: () => Promise<void> = async () => {},
  ): Response {
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => this.#ended.abort());
      let cut: NodeJS.Timeout | undefined;
      const armCut = () => {
        cut = setTimeout(() => stream.abort(), END_GRACE_MS).unref();
      };
      this.#ended.signal.addEventListener('abort', armCut, { once: true });
      const keepAlive = setInterval(async () => {
        if (await this.tokenValid()) await stream.write(': keep-alive\n\n');
      }, KEEP_ALIVE_MS).unref();
      try {
        if (!this.#ended.signal.aborted) await body(stream);
      } finally {
        clearInterval(keepAlive);
        this.#ended.signal.removeEventListener('abort', armCut);
        await this.cancel();
        await release().catch(() => {});
        const reason = this.#reason;
        if (reason !== undefined && reason !== 'unavailable' && !stream.aborted) {
          await stream.writeSSE({ event: `token.${reason}`, data: '{}' });
        }
        clearTimeout(cut);
      }
    });
  }
}
