/**
 * The leak scan: after the whole reliability suite, every needle (value, master key, token a test
 * handled) is searched for in every piece of evidence (database files and WAL, logs, captured
 * output, error bodies, command lines), in PostgreSQL's data directory when this user can read it,
 * and in core dumps if there are any. One hit fails the run.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EVIDENCE_DIR } from './evidence.js';

/** Where Debian's PostgreSQL keeps its data, and where core dumps land. */
const POSTGRES_DATA = '/var/lib/postgresql';
const CORE_DUMP_DIRS = ['/var/lib/systemd/coredump', '/tmp', process.cwd()];

export function setup(): () => void {
  rmSync(EVIDENCE_DIR, { recursive: true, force: true });
  return teardown;
}

function teardown(): void {
  const needlesFile = join(EVIDENCE_DIR, 'needles.txt');
  if (!existsSync(needlesFile)) return; // the suite did not run (filtered out)
  const needles = [...new Set(readFileSync(needlesFile, 'utf8').split('\n').filter(Boolean))].map((text) =>
    Buffer.from(text, 'utf8'),
  );
  // Values share a marker, so a file is searched once for it, not once per value.
  const marked = new Set(needles.filter((n) => n.subarray(0, MARKER.length).equals(MARKER)).map(String));
  const unmarked = needles.filter((n) => !marked.has(String(n)));
  const files = [
    ...walk(join(EVIDENCE_DIR, 'files')),
    ...walk(POSTGRES_DATA),
    ...CORE_DUMP_DIRS.flatMap((dir) => coreDumps(dir)),
  ];
  let bytes = 0;
  const hits: string[] = [];
  for (const file of files) {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      continue; // unreadable (another user's file): not evidence we can judge
    }
    bytes += content.length;
    for (const needle of found(content, marked, unmarked))
      hits.push(`${file}: a needle of ${needle.length} bytes`);
  }
  const summary = `leak scan: ${needles.length} needles in ${files.length} files (${(bytes / 1024 / 1024).toFixed(1)} MiB): ${hits.length} hits`;
  process.stderr.write(`${summary}\n`);
  if (hits.length > 0) {
    // Vitest reports an error thrown here but still exits 0: the exit status must say it too.
    process.exitCode = 1;
    throw new Error(`${summary}\n${hits.slice(0, 20).join('\n')}`);
  }
}

const MARKER = Buffer.from('LEAKSCAN-');
/** The longest marked needle: how far past a marker to read. */
const LONGEST_MARKED = 128;

/** The needles `content` contains. */
function found(content: Buffer, marked: Set<string>, unmarked: readonly Buffer[]): Buffer[] {
  const hits: Buffer[] = [];
  for (let at = content.indexOf(MARKER); at >= 0; at = content.indexOf(MARKER, at + 1)) {
    const window = content.subarray(at, at + LONGEST_MARKED).toString('utf8');
    for (const needle of marked) if (window.startsWith(needle)) hits.push(Buffer.from(needle));
  }
  for (const needle of unmarked) if (content.includes(needle)) hits.push(needle);
  return hits;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  for (const entry of entries) {
    const path = join(dir, entry);
    try {
      const stat = statSync(path);
      if (stat.isDirectory()) found.push(...walk(path));
      else if (stat.isFile()) found.push(path);
    } catch {
      // vanished or unreadable
    }
  }
  return found;
}

function coreDumps(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => /^core(\.\d+)?$/.test(name))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}
