/**
 * @module lifetime
 * The one owner of what a running injector holds: the endpoint, the signal handlers, the watch on
 * the source, the rotations in flight and the agent itself are registered here as they are made,
 * and released in the reverse order on every way out (the agent's exit, a failure while starting,
 * an error), each exactly once, every release attempted even if an earlier one fails.
 */

/** What went wrong releasing one resource: its name and the error. */
export type ReleaseFailure = (name: string, error: unknown) => void;

/**
 * Resources released last-in, first-out.
 *
 * @example
 * ```ts
 * const lifetime = new Lifetime();
 * try {
 *   const endpoint = await startAgentEndpoint(fetch);
 *   lifetime.defer('endpoint', () => endpoint.close());
 *   // ...
 * } finally {
 *   await lifetime.close((name, error) => log('WARN', `${name}: ${error}`));
 * }
 * ```
 */
export class Lifetime {
  readonly #releases: { readonly name: string; readonly release: () => unknown }[] = [];
  #closing = false;

  /** Whether {@link close} has begun: from then on, no new work may start. */
  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Registers `release`, to run when the lifetime closes. Registering after `close` began runs it
   * at once (the resource was made too late to outlive its owner).
   */
  defer(name: string, release: () => unknown): void {
    if (this.#closing) {
      // Nobody is left to report a failure to: the owner is already on its way out.
      void Promise.resolve()
        .then(release)
        .catch(() => undefined);
      return;
    }
    this.#releases.push({ name, release });
  }

  /** Releases everything, the last registered first; calling it again does nothing more. */
  async close(onFailure: ReleaseFailure): Promise<void> {
    this.#closing = true;
    for (let entry = this.#releases.pop(); entry !== undefined; entry = this.#releases.pop()) {
      try {
        await entry.release();
      } catch (error) {
        onFailure(entry.name, error);
      }
    }
  }
}
