/**
 * @module mutex
 * A first-come, first-served asynchronous lock.
 */

/**
 * Serialises asynchronous critical sections. One SQLite connection can hold one transaction at a
 * time; without this, a transaction awaiting something would let another caller's statements run
 * inside it.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Runs `work` once every earlier caller's work has settled. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
