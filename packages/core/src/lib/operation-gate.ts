/**
 * @module operation-gate
 * Who may use the manager's keys, and when they may be wiped or replaced.
 *
 * Every operation enters the gate before it takes the manager's context (cipher, chain key,
 * signing key) and leaves it when it has settled. Two things wait for the operations inside:
 * - `close()` shuts the gate (new operations are refused with MANAGER_CLOSED) and resolves once
 *   none is inside; only then are keys wiped, so no operation ever hashes or signs with a zeroed
 *   key (the bug: SIGTERM under load committed entries MACed with an all-zero chain key).
 * - a master-key rotation, which holds one place itself, asks to be `alone`: new operations wait
 *   at the gate, running ones finish, and then it commits and swaps the context. Nobody holds the
 *   old context afterwards, so its keys can be wiped at once, and no audit entry is ever appended
 *   under a chain key the database no longer has.
 */
import { IronSecretsError } from '../errors.js';

export class OperationGate {
  #inside = 0;
  #closed = false;
  /** Settles when the operation that is alone is done; new operations wait for it. */
  #alone: Promise<void> | undefined;
  /** Resolved whenever `#inside` drops, to re-check a wait. */
  #waiters: (() => void)[] = [];

  /** Whether `close` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Takes a place; MANAGER_CLOSED once the gate is shut. Pair with `leave`. */
  async enter(): Promise<void> {
    while (this.#alone !== undefined) await this.#alone;
    if (this.#closed) throw closedError();
    this.#inside += 1;
  }

  leave(): void {
    this.#inside -= 1;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * Runs `work` while the caller, which holds one place, is the only operation inside. Callers
   * must not overlap (the manager runs one rotation at a time): two waiting to be alone would
   * each wait for the other.
   */
  async alone<T>(work: () => Promise<T>): Promise<T> {
    let release!: () => void;
    this.#alone = new Promise((resolve) => {
      release = resolve;
    });
    try {
      await this.#until(1);
      return await work();
    } finally {
      this.#alone = undefined;
      release();
    }
  }

  /** Refuses new operations, then resolves once the last one inside has left. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#until(0);
  }

  async #until(count: number): Promise<void> {
    while (this.#inside > count) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
}

function closedError(): IronSecretsError {
  return new IronSecretsError('MANAGER_CLOSED', 'this SecretsManager was closed; open a new one');
}
