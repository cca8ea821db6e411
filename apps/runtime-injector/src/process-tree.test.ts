import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isDescendantOf, parentByPs, parentFromStat, processStartTime } from './process-tree.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

/** A shell with a `sleep` of its own: the shell is our child, the sleep our grandchild. */
async function shellWithGrandchild(): Promise<{ shell: number; grandchild: number }> {
  const shell = spawn('sh', ['-c', 'sleep 5 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(shell);
  const line = await new Promise<string>((resolve, reject) => {
    shell.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    shell.once('error', reject);
  });
  return { shell: shell.pid!, grandchild: Number(line) };
}

describe('parentFromStat', () => {
  it('reads the parent after the last ")", whatever the command name holds', () => {
    expect(parentFromStat('42 (node) S 7 42 42 0 -1')).toBe(7);
    expect(parentFromStat('42 (a b) c) d) R 9 1 1')).toBe(9);
    expect(parentFromStat('42 ()) S 3 1')).toBe(3);
    expect(parentFromStat('42 (x\n) S 11 1')).toBe(11);
  });

  it('gives undefined for a line it cannot read', () => {
    expect(parentFromStat('')).toBeUndefined();
    expect(parentFromStat('42 node S 7')).toBeUndefined();
    expect(parentFromStat('42 (node)')).toBeUndefined();
    expect(parentFromStat('42 (node) S x')).toBeUndefined();
    expect(parentFromStat('42 (node) S -3')).toBeUndefined();
  });
});

describe('isDescendantOf', () => {
  it('is true for a child and a grandchild, and for the ancestor itself', async () => {
    const { shell, grandchild } = await shellWithGrandchild();
    expect(isDescendantOf(shell, process.pid)).toBe(true);
    expect(isDescendantOf(grandchild, process.pid)).toBe(true);
    expect(isDescendantOf(grandchild, shell)).toBe(true);
    expect(isDescendantOf(process.pid, process.pid)).toBe(true);
  });

  it('is false for an ancestor, a sibling, a stranger, a process that does not exist, and nonsense', async () => {
    const first = await shellWithGrandchild();
    const second = await shellWithGrandchild();
    expect(isDescendantOf(process.pid, first.shell)).toBe(false);
    expect(isDescendantOf(second.grandchild, first.shell)).toBe(false);
    expect(isDescendantOf(1, process.pid)).toBe(false);
    expect(isDescendantOf(2 ** 22 + 1, process.pid)).toBe(false);
    for (const pid of [0, -1, 1.5, Number.NaN]) expect(isDescendantOf(pid, process.pid)).toBe(false);
  });

  it('is false for a grandchild once its parent has died (it now belongs to init or a subreaper)', async () => {
    const { shell, grandchild } = await shellWithGrandchild();
    const child = started.at(-1)!;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    process.kill(shell, 'SIGKILL');
    await gone;
    try {
      expect(isDescendantOf(grandchild, shell)).toBe(false);
    } finally {
      process.kill(grandchild, 'SIGKILL');
    }
  });
});

describe('parentByPs (the fallback where there is no /proc)', () => {
  it('reads the same parent as the kernel, and undefined for a process that does not exist', async () => {
    const { shell, grandchild } = await shellWithGrandchild();
    expect(parentByPs(grandchild)).toBe(shell);
    expect(parentByPs(shell)).toBe(process.pid);
    expect(parentByPs(2 ** 22 + 1)).toBeUndefined();
    expect(parentByPs(0)).toBeUndefined();
  });
});

describe('processStartTime', () => {
  it.runIf(existsSync('/proc/self/stat'))('reads field 22 of /proc/<pid>/stat', () => {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    expect(processStartTime(process.pid)).toBe(fields[19]);
    expect(processStartTime(2 ** 22 + 1)).toBeUndefined();
  });
});
