/**
 * @module markdown-table
 * Measurements as markdown table rows, each p99 next to its target with a PASS or MISS.
 */
import type { Measurement } from './measure.js';

/** Milliseconds with as many digits as a value of that size needs to be read. */
export function ms(value: number): string {
  return value < 0.1 ? value.toFixed(4) : value < 10 ? value.toFixed(3) : value.toFixed(1);
}

/** "PASS" if `value` is under `target`, else "MISS": the spec's targets are strict upper bounds. */
export function verdict(value: number, target: number): 'PASS' | 'MISS' {
  return value < target ? 'PASS' : 'MISS';
}

/** A target: the bound on p99 and, when it is not the spec's own, where it comes from. */
export interface Target {
  readonly p99Ms: number;
  readonly note?: string;
}

/** A row and the target its p99 is held to, if any. */
export type Row = readonly [Measurement, Target?];

/** A markdown table of `rows`: iterations, p50, p99, p99.9, mean, target and verdict. */
export function table(rows: readonly Row[]): string {
  const lines = [
    '| operation | iterations | p50 ms | p99 ms | p99.9 ms | mean ms | target p99 | |',
    '|---|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const [row, target] of rows) {
    const bound = target === undefined ? '' : `< ${target.p99Ms} ms${target.note ?? ''}`;
    const result = target === undefined ? '' : verdict(row.p99, target.p99Ms);
    lines.push(
      `| ${row.name} | ${row.iterations} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.p999)} | ${ms(row.mean)} | ${bound} | ${result} |`,
    );
  }
  return lines.join('\n');
}

/** `a ÷ b` as "1.23x". */
export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

/** A plain markdown table of already formatted cells. */
export function grid(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}
