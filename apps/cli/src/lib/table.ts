/**
 * @module table
 * Plain aligned columns, like `kubectl get` and `vault list`: no borders to break `grep` or `awk`.
 */

/** One column: its heading and, per row, its cell. Cells are measured before they are painted. */
export interface Column<Row> {
  readonly heading: string;
  readonly cell: (row: Row) => string;
  /** Colour for a cell's text, applied after padding so that alignment holds. */
  readonly paint?: ((text: string, row: Row) => string) | undefined;
}

/**
 * The lines of a table: a heading line, then one line per row. Control characters in a cell are
 * shown escaped (see {@link escapeControl}), so a multi-line value cannot break a row in two.
 */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string[] {
  const cells = rows.map((row) => columns.map((column) => escapeControl(column.cell(row))));
  const widths = columns.map((column, index) =>
    Math.max(width(column.heading), ...cells.map((line) => width(line[index]!))),
  );
  const line = (texts: readonly string[], row?: Row) =>
    texts
      .map((text, index) => {
        const padded = index === texts.length - 1 ? text : text + ' '.repeat(widths[index]! - width(text));
        const paint = columns[index]!.paint;
        return row !== undefined && paint ? paint(padded, row) : padded;
      })
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((column) => column.heading)),
    ...cells.map((texts, index) => line(texts, rows[index])),
  ];
}

/** Display width in code points (no value here is wider than one column per code point). */
function width(text: string): number {
  return Array.from(text).length;
}

const NAMED_ESCAPES = new Map([
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
  ['\\', '\\\\'],
]);

/**
 * `text` with every control character (C0, DEL, C1, and the Unicode line and paragraph
 * separators) written as an escape: `\n`, `\r`, `\t`, otherwise `\xHH` or `\uHHHH`. A backslash
 * is doubled only when the text has a control character, so that `a\\nb` (escaped) and `a\nb`
 * (as typed) stay distinguishable without changing ordinary Windows paths.
 *
 * @example
 * ```ts
 * escapeControl('line1\nline2'); // 'line1\\nline2'
 * ```
 */
export function escapeControl(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
  if (!control.test(text)) return text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/g, (c) => {
    const named = NAMED_ESCAPES.get(c);
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
