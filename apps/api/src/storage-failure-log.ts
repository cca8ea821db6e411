/**
 * @module storage-failure-log
 * The log's account of a database that fails: one line when requests start failing for a cause
 * (read-only, disk full, locked, connection lost, with the driver's code), not one per request;
 * another when the cause changes; and one saying `recovered` when a request of a kind that failed
 * succeeds again. A server behind a load balancer with a full disk fails every request: a line per
 * request would bury the one that says why, and repeat it thousands of times a minute.
 *
 * The line holds the error code, the failure's kind, the driver's code (`SQLITE_FULL`, SQLSTATE
 * `25006`, `EROFS`: a word from a fixed list) and a fixed description: never the driver's message,
 * which is free text that can quote SQL or the data it choked on.
 */
import type { IronSecretsError } from '@iron/secrets-core';

type Failure = NonNullable<IronSecretsError['failure']>;

/** What each kind means, in words that never come from the failure itself. */
const DESCRIPTIONS: Readonly<Record<Failure['kind'], string>> = {
  busy: 'the database is locked by another process or transaction',
  'read-only':
    'the database refuses writes: its file, directory or file system is read-only to this process, or (PostgreSQL) the server is read-only or the role lacks the privilege',
  'disk-full': 'the disk holding the database is full',
  connection: 'the connection to the database server failed or was lost',
  other: 'the database refused the operation',
};

/**
 * Remembers the failure last logged and the routes it hit, so each distinct failure is logged once.
 *
 * @example
 * ```ts
 * const failures = new StorageFailureLog(console.error);
 * failures.failed(error, 'POST /api/secrets');   // logs once
 * failures.succeeded('POST /api/secrets');        // logs "recovered" if a failure was logged
 * ```
 */
export class StorageFailureLog {
  readonly #log: ((line: string) => void) | undefined;
  /** `code kind cause` of the failure last logged; undefined while nothing is failing. */
  #current: string | undefined;
  /** Routes (method and pattern) that failed since then: one of them succeeding is a recovery. */
  readonly #failedRoutes = new Set<string>();
  #failedRequests = 0;

  constructor(log: ((line: string) => void) | undefined) {
    this.#log = log;
  }

  /**
   * Records a request that failed with a storage error that has a classified `failure`; logs it
   * unless it is the failure already logged. Returns false (nothing done) for any other error.
   */
  failed(error: IronSecretsError, where: string): boolean {
    const failure = error.failure;
    if (failure === undefined) return false;
    const key = `${error.code} ${failure.kind} ${failure.cause}`;
    this.#failedRoutes.add(where);
    this.#failedRequests++;
    if (key === this.#current) return true;
    this.#current = key;
    this.#log?.(
      `ERROR ${error.code} ${where}: ${failure.kind} (${failure.cause}): ${DESCRIPTIONS[failure.kind]}; logged once until the cause changes or requests succeed again`,
    );
    return true;
  }

  /** Records a request that did not fail on the server; logs `recovered` after a failure. */
  succeeded(where: string): void {
    if (this.#current === undefined || !this.#failedRoutes.has(where)) return;
    this.#log?.(
      `INFO storage recovered: ${where} succeeds again (${this.#failedRequests} requests failed since the failure was logged)`,
    );
    this.#current = undefined;
    this.#failedRoutes.clear();
    this.#failedRequests = 0;
  }
}
