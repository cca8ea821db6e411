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

/** The lines of a table: a heading line, then one line per row. */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string[] {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
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
