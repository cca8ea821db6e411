/**
 * @module change-listeners
 * One source of change notifications per Storage, shared by every subscriber: a hundred event
 * streams cost one poll loop (SQLite) or one LISTEN connection (PostgreSQL), not a hundred.
 */
import type { ChangeListener, ChangeSubscription } from '../storage.js';

/** Starts a source that calls `notify`; resolves to the function that stops it. */
export type ChangeSource = (notify: ChangeListener) => Promise<() => Promise<void>>;

/** The subscribers of one Storage, with the source started while there is at least one. */
export class ChangeListeners {
  readonly #source: ChangeSource;
  readonly #listeners = new Set<ChangeListener>();
  #running: Promise<() => Promise<void>> | undefined;

  constructor(source: ChangeSource) {
    this.#source = source;
  }

  async add(listener: ChangeListener): Promise<ChangeSubscription> {
    this.#listeners.add(listener);
    this.#running ??= this.#source((latest) => {
      for (const each of [...this.#listeners]) {
        try {
          each(latest);
        } catch {
          // one subscriber's failure must not starve the others
        }
      }
    });
    try {
      await this.#running;
    } catch (error) {
      this.#listeners.delete(listener);
      this.#running = undefined;
      throw error;
    }
    let closed = false;
    return {
      close: async () => {
        if (closed) return;
        closed = true;
        this.#listeners.delete(listener);
        if (this.#listeners.size === 0) await this.stop();
      },
    };
  }

  /** Stops the source (on close of the Storage, or when the last subscriber leaves). */
  async stop(): Promise<void> {
    const running = this.#running;
    this.#running = undefined;
    this.#listeners.clear();
    if (running !== undefined) await (await running.catch(() => async () => {}))();
  }
}
