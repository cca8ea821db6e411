/**
 * @module redacting-stream
 * A {@link RedactionScanner} (one stream's redaction over a shared dictionary) as a Transform
 * stream, so that `pipeline` gives backpressure for free:
 * a child writing faster than the terminal reads is paused, not buffered without bound.
 */
import { Transform } from 'node:stream';
import type { RedactionScanner } from '@iron/secrets-core';

/**
 * A stream that redacts what passes through it with `redactor` (a scanner, or anything with its
 * `write`/`end`, such as a `SecretRedactor`). Give each stream a scanner of its own.
 *
 * @example
 * ```ts
 * await pipeline(child.stdout, redactingStream(new RedactionScanner(dictionary)), process.stdout);
 * ```
 */
export function redactingStream(redactor: Pick<RedactionScanner, 'write' | 'end'>): Transform {
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
