/**
 * @module secret-redactor
 * Redaction of secret values in output (the spec's iron_telemetry redaction). The work is done by
 * a {@link RedactionDictionary} (the values and their derived forms, shared by every stream of an
 * agent) and one {@link RedactionScanner} per stream (its held-back tail); see their modules for
 * why it is exact. `SecretRedactor` is the two together, for a caller with a single stream.
 */
import { RedactionDictionary, type RedactionDictionaryOptions } from './redaction/redaction-dictionary.js';
import { RedactionScanner } from './redaction/redaction-scanner.js';

/**
 * A redactor for one stream with a dictionary of its own. Where several streams carry the same
 * agent's output, share one {@link RedactionDictionary} and give each a {@link RedactionScanner}
 * instead, so they cannot disagree about what is secret.
 *
 * @example
 * ```ts
 * const redactor = new SecretRedactor(['sk-proj-abc123']);
 * Buffer.concat([redactor.write(Buffer.from('key=sk-pr')), redactor.write(Buffer.from('oj-abc123!')), redactor.end()])
 *   .toString(); // 'key=[SECRET_REDACTED]!'
 * ```
 */
export class SecretRedactor {
  readonly dictionary: RedactionDictionary;
  readonly #scanner: RedactionScanner;

  constructor(values: readonly string[] = [], options: RedactionDictionaryOptions = {}) {
    this.dictionary = new RedactionDictionary(options);
    this.dictionary.add(values);
    this.#scanner = new RedactionScanner(this.dictionary);
  }

  /** Adds values (and their derived forms) to redact from now on. */
  add(values: readonly string[]): void {
    this.dictionary.add(values);
  }

  /** How many values are redacted. */
  get size(): number {
    return this.dictionary.size;
  }

  /** Redacts what can be decided of `chunk` (with what was held back); holds back the rest. */
  write(chunk: Uint8Array): Buffer {
    return this.#scanner.write(chunk);
  }

  /** The end of the stream: whatever was held back, redacted. */
  end(): Buffer {
    return this.#scanner.end();
  }
}
