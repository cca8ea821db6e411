/**
 * @module process-tree
 * Who a process descends from, read from the kernel: the agent endpoint accepts a rotation
 * watcher only for the agent or one of its descendants, so a token holder cannot make the
 * injector signal (and, for a process without a handler, kill) an unrelated process.
 *
 * Linux: `/proc/<pid>/stat`. Elsewhere (macOS): `ps -o ppid= -p <pid>`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * How many parents {@link isDescendantOf} follows before giving up: deeper than any real agent's
 * tree, and a bound on the work one request can cause.
 */
export const MAX_ANCESTRY_DEPTH = 64;

/** How long the `ps` fallback may take, in milliseconds. */
const PS_TIMEOUT_MS = 2_000;

/** The largest PID any kernel hands out (Linux's PID_MAX_LIMIT is 2^22). */
const MAX_PID = 2 ** 31 - 1;

/** Whether `/proc/<pid>/stat` is the way to read a process's parent here. */
const HAS_PROC = existsSync('/proc/self/stat');

/** A number that can name a process (0 and negatives name process groups to `kill`). */
const isPid = (pid: number) => Number.isInteger(pid) && pid > 0 && pid <= MAX_PID;

/**
 * The parent PID from a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses
 * and may itself hold spaces and parentheses (a process can name itself `a) S 1`), so the fields
 * are read after the LAST `)`: state, then the parent.
 *
 * @example
 * ```ts
 * parentFromStat('42 (a b) c) S 7 42 42 0'); // 7
 * ```
 */
export function parentFromStat(stat: string): number | undefined {
  const end = stat.lastIndexOf(')');
  if (end < 0) return undefined;
  const parent = stat
    .slice(end + 1)
    .trim()
    .split(/\s+/)[1];
  return parent !== undefined && /^\d+$/.test(parent) ? Number(parent) : undefined;
}

/** The fields after the command name in `/proc/<pid>/stat`, or undefined if it cannot be read. */
function statFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const end = stat.lastIndexOf(')');
  return end < 0
    ? undefined
    : stat
        .slice(end + 1)
        .trim()
        .split(/\s+/);
}

/** The parent of `pid` from `/proc`, or undefined if it does not exist (or cannot be read). */
function parentByProc(pid: number): number | undefined {
  try {
    return parentFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The parent of `pid` from `ps` (where there is no `/proc`), or undefined if it does not exist.
 * Exported for its test, which runs on Linux too.
 */
export function parentByPs(pid: number): number | undefined {
  if (!isPid(pid)) return undefined;
  try {
    const out = execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: PS_TIMEOUT_MS,
    }).trim();
    return /^\d+$/.test(out) ? Number(out) : undefined;
  } catch {
    return undefined; // ps exits 1 for a PID that does not exist
  }
}

/**
 * Whether `pid` is `ancestor` or one of its descendants, following parents up to
 * {@link MAX_ANCESTRY_DEPTH} levels. A process whose parent died has been re-parented (to init or
 * a subreaper) and no longer descends from it.
 *
 * @example
 * ```ts
 * isDescendantOf(agentGrandchildPid, child.pid!); // true
 * isDescendantOf(1, child.pid!);                  // false
 * ```
 */
export function isDescendantOf(pid: number, ancestor: number): boolean {
  if (!isPid(pid) || !isPid(ancestor)) return false;
  let current = pid;
  for (let depth = 0; depth <= MAX_ANCESTRY_DEPTH; depth += 1) {
    if (current === ancestor) return true;
    // PID 1 (init) and 0 (the kernel's own) are where every tree ends.
    if (current <= 1) return false;
    const parent = HAS_PROC ? parentByProc(current) : parentByPs(current);
    if (parent === undefined) return false;
    current = parent;
  }
  return false;
}

/**
 * When `pid` started (field 22 of `/proc/<pid>/stat`, in clock ticks since boot), to tell a
 * process from a later one that reuses its PID. Undefined where there is no `/proc`, or for a
 * process that does not exist.
 *
 * @example
 * ```ts
 * const started = processStartTime(pid);
 * // later: processStartTime(pid) === started, unless the PID now names another process
 * ```
 */
export function processStartTime(pid: number): string | undefined {
  if (!HAS_PROC || !isPid(pid)) return undefined;
  // Field 22 is the 20th after the command name (field 3, the state, is the first).
  return statFields(pid)?.[19];
}
