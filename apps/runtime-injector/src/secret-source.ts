/**
 * @module secret-source
 * Where an agent's secrets come from: the embedded database (the operator's machine, with the
 * master key) or the HTTP API with an agent token (a production machine that never holds the key
 * or the database). The injector only sees this interface.
 */

/** Secret values by name. */
export type SecretValues = ReadonlyMap<string, string>;

/** A source of one environment's secrets, as one agent may read them. */
export interface SecretSource {
  /** Where the secrets come from, for messages (never a token or a key). */
  readonly description: string;
  /**
   * What the source itself holds that an agent must never print (the master key, the API token):
   * the injector redacts these like the secrets. An array: every stream reads the same one.
   */
  readonly credentials: readonly string[];
  /** The current values within the agent's scope. Every call is audited as the agent's READ. */
  fetch(): Promise<SecretValues>;
  /**
   * Calls `onChange` whenever secrets in scope may have changed (created, updated, deleted);
   * `onError` when watching fails (the source keeps trying). Returns a function that stops it.
   */
  watch(onChange: () => void, onError: (error: unknown) => void): () => void;
  /** Releases the database or connection (and wipes keys). */
  close(): Promise<void>;
}
