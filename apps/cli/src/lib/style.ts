/**
 * @module style
 * Colour for people, never for pipes: only when the stream is a terminal and `NO_COLOR` is not
 * set (https://no-color.org). `FORCE_COLOR` is not honoured: colour codes in captured output of a
 * secrets tool help nobody.
 */
import { type Io, isTerminal } from './io.js';

const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;

/** A colour or weight. */
export type Style = keyof typeof CODES;

/** Paints text for one stream. */
export type Painter = (style: Style, text: string) => string;

/** The painter for `stream`: colour on a terminal without NO_COLOR, plain text otherwise. */
export function painterFor(io: Io, stream: NodeJS.WriteStream): Painter {
  const colour = isTerminal(stream) && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '');
  return colour ? (style, text) => `\u001b[${CODES[style]}m${text}\u001b[0m` : (_style, text) => text;
}
