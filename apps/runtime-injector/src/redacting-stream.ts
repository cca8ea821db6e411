/**
 * @module redacting-stream
 * A {@link SecretRedactor} as a Transform stream, so that `pipeline` gives backpressure for free:
 * a child writing faster than the terminal reads is paused, not buffered without bound.
 */
import { Transform } from 'node:stream';
import type { SecretRedactor } from '@iron/secrets-core';

/**
 * A stream that redacts what passes through it with `redactor`.
 *
 * @example
 * ```ts
 * await pipeline(child.stdout, redactingStream(new SecretRedactor(values)), process.stdout);
 * ```
 */
export function redactingStream(redactor: SecretRedactor): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const safe = redactor.write(chunk);
      done(null, safe.length > 0 ? safe : undefined);
    },
    flush(done) {
      const rest = redactor.end();
      done(null, rest.length > 0 ? rest : undefined);
    },
  });
}
