/**
 * @module machine
 * What the numbers were measured on: a benchmark result means nothing without its machine.
 */
import { arch, cpus, platform, release, totalmem } from 'node:os';

/** The machine, as markdown table rows (after a `| | |` header). */
export function machineRows(argon2: string): string {
  const cpu = cpus();
  return [
    `| CPU | ${cpu[0]?.model.trim() ?? 'unknown'}, ${cpu.length} cores |`,
    `| memory | ${(totalmem() / 2 ** 30).toFixed(1)} GiB |`,
    `| Node | ${process.version} |`,
    `| platform | ${platform()} ${release()} ${arch()} |`,
    `| Argon2id used by \`deriveKey\` | \`${argon2}\` |`,
  ].join('\n');
}
