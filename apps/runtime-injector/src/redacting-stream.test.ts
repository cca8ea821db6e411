import { pipeline, Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { REDACTED, SecretRedactor } from '@iron/secrets-core';
import { describe, expect, it } from 'vitest';
import { redactingStream } from './redacting-stream.js';

describe('redactingStream', () => {
  it('redacts across chunks and flushes the held tail at the end', async () => {
    const out: Buffer[] = [];
    await promisify(pipeline)(
      Readable.from([Buffer.from('key sk-proj-'), Buffer.from('abc123 and sk-'), Buffer.from('pr')]),
      redactingStream(new SecretRedactor(['sk-proj-abc123'])),
      new Writable({
        write(chunk, _encoding, done) {
          out.push(chunk);
          done();
        },
      }),
    );
    expect(Buffer.concat(out).toString()).toBe(`key ${REDACTED} and sk-pr`);
  });

  it('respects backpressure: a slow reader holds back a fast writer instead of buffering', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let produced = 0;
    let maxAhead = 0;
    let consumed = 0;
    const source = new Readable({
      read() {
        if (produced >= 32 * 1024 * 1024) return this.push(null);
        produced += chunk.length;
        maxAhead = Math.max(maxAhead, produced - consumed);
        this.push(chunk);
      },
    });
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(data: Buffer, _encoding, done) {
        consumed += data.length;
        setImmediate(done);
      },
    });
    await promisify(pipeline)(source, redactingStream(new SecretRedactor(['sk-proj-abc123'])), slow);
    expect(consumed).toBe(32 * 1024 * 1024);
    // Never more than the streams' buffers ahead of the reader (a few high-water marks), not 32 MiB.
    expect(maxAhead).toBeLessThan(1024 * 1024);
  });
});
