/**
 * @module doorbell
 * Waking one waiting loop: a follower sleeps until the change feed rings or its poll interval
 * passes, whichever comes first.
 */

/** `ring()` wakes the one `wait()`, or the next one if nobody is waiting (a ring is never lost). */
export class Doorbell {
  #rung = false;
  #resolve: ((rang: boolean) => void) | undefined;

  ring(): void {
    if (this.#resolve) {
      const resolve = this.#resolve;
      this.#resolve = undefined;
      resolve(true);
    } else this.#rung = true;
  }

  /** Resolves true when rung, false after `timeoutMs` without a ring. One waiter at a time. */
  wait(timeoutMs: number): Promise<boolean> {
    if (this.#rung) {
      this.#rung = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#resolve = undefined;
        resolve(false);
      }, timeoutMs);
      this.#resolve = (rang) => {
        clearTimeout(timer);
        resolve(rang);
      };
    });
  }
}
