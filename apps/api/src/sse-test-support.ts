/**
 * @module sse-test-support
 * Reading a server-sent event stream in tests: events as they arrive, and whether it ended.
 */

/** One event as parsed from the stream. */
export interface SseEvent {
  readonly event: string;
  readonly id: string | undefined;
  readonly data: string;
}

/** A stream being read in the background. */
export interface SseReader {
  readonly events: SseEvent[];
  /** Comment lines (keep-alives) seen. */
  readonly comments: string[];
  /** Resolves with the time (Date.now()) the stream ended. */
  readonly ended: Promise<number>;
  readonly text: () => string;
  cancel(): Promise<void>;
}

/** Reads `response`'s body as SSE until it ends. */
export function readSse(response: Response): SseReader {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let all = '';
  let buffer = '';
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const chunk = decoder.decode(value, { stream: true });
        all += chunk;
        buffer += chunk;
        let boundary = buffer.indexOf('\n\n');
        while (boundary !== -1) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0 || event !== 'message') events.push({ event, id, data: data.join('\n') });
          boundary = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // cancelled
    }
    return Date.now();
  })();
  return { events, comments, ended, text: () => all, cancel: () => reader.cancel().catch(() => {}) };
}

/** Resolves true if `promise` settles within `ms`, false otherwise. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
