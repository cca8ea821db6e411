/**
 * The prerequisites check's decisions, on a fake machine: which binaries exist, who runs it, whether
 * apt-get and sudo are there, PostgreSQL's state. Commands are recorded, never run; an install
 * makes the fake's files appear, as apt-get would.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, ensurePrerequisites, realSystem, TEST_HBA_LINE } from './prerequisites.js';

interface Machine {
  chromium?: boolean;
  python3?: boolean;
  apt?: boolean;
  sudo?: 'none' | 'password' | 'passwordless';
  uid?: number;
  /** Installed cluster versions under /etc/postgresql. */
  clusters?: string[];
  postgresUp?: boolean;
  /** A fresh install's cluster starts by itself (systemd). */
  startsOnInstall?: boolean;
  /** pg_ctlcluster start brings it up. */
  startWorks?: boolean;
  /** apt-get install fails until apt-get update ran. */
  staleIndex?: boolean;
  env?: Record<string, string>;
}

function fake(machine: Machine = {}) {
  const state = {
    chromium: machine.chromium ?? true,
    python3: machine.python3 ?? true,
    clusters: machine.clusters ?? ['15'],
    up: machine.postgresUp ?? true,
    updated: !machine.staleIndex,
  };
  const ran: string[][] = [];
  const logs: string[] = [];
  const has = (command: string): boolean => {
    if (command === 'python3') return state.python3;
    if (command === 'apt-get') return machine.apt ?? true;
    if (command === 'sudo') return (machine.sudo ?? 'none') !== 'none';
    if (command === 'pg_ctlcluster') return state.clusters.length > 0;
    return false;
  };
  const exec = (argv: string[]): number => {
    ran.push(argv);
    const command = argv.filter((a) => !['sudo', '-n', 'env'].includes(a) && !a.includes('='));
    if (command[0] === 'true') return machine.sudo === 'passwordless' ? 0 : 1;
    if (command[0] === 'apt-get' && command[1] === 'update') {
      state.updated = true;
      return 0;
    }
    if (command[0] === 'apt-get' && command[1] === 'install') {
      if (!state.updated) return 100;
      if (command.includes('chromium')) state.chromium = true;
      if (command.includes('python3')) state.python3 = true;
      if (command.includes('postgresql')) {
        state.clusters = ['17'];
        if (machine.startsOnInstall) state.up = true;
      }
      return 0;
    }
    if (command[0] === 'pg_ctlcluster' && command.at(-1) === 'start') {
      if (machine.startWorks ?? true) state.up = true;
      return machine.startWorks === false ? 1 : 0;
    }
    return 0;
  };
  const sys = {
    exists: (path: string) => path === CHROMIUM && state.chromium,
    onPath: has,
    list: (dir: string) => (dir === '/etc/postgresql' ? [...state.clusters] : []),
    uid: machine.uid ?? 0,
    env: machine.env ?? {},
    postgresUp: async () => state.up,
    run: exec,
    quiet: exec,
    sleep: async () => {},
    log: (line: string) => logs.push(line),
  };
  return { sys, ran, logs, state };
}

const installs = (ran: string[][]) => ran.filter((argv) => argv.includes('install'));

describe('the test prerequisites', () => {
  it('does nothing when Chromium, python3 and a running PostgreSQL are there', async () => {
    const { sys, ran, logs } = fake();
    expect(await ensurePrerequisites(sys)).toEqual({ ok: true, problems: [] });
    expect(ran).toEqual([]);
    expect(logs).toEqual([]);
  });

  it('as root with apt-get, installs a missing Chromium and python3 in one apt-get install', async () => {
    const { sys, ran, state } = fake({ chromium: false, python3: false });
    expect(await ensurePrerequisites(sys)).toEqual({ ok: true, problems: [] });
    expect(installs(ran)).toEqual([
      ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', 'chromium', 'python3'],
    ]);
    expect(state.chromium && state.python3).toBe(true);
  });

  it('runs apt-get update and retries when the package index is stale', async () => {
    const { sys, ran } = fake({ chromium: false, staleIndex: true });
    expect((await ensurePrerequisites(sys)).ok).toBe(true);
    const install = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', 'chromium'];
    expect(ran).toEqual([install, ['apt-get', 'update', '-qq'], install]);
  });

  it('with passwordless sudo, installs through sudo -n', async () => {
    const { sys, ran } = fake({ chromium: false, uid: 1000, sudo: 'passwordless' });
    expect((await ensurePrerequisites(sys)).ok).toBe(true);
    expect(installs(ran)).toEqual([
      ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', 'chromium'],
    ]);
  });

  it('not root (sudo wants a password): fails at once naming exactly what to install, and installs nothing', async () => {
    const { sys, ran } = fake({ chromium: false, python3: false, uid: 1000, sudo: 'password' });
    const outcome = await ensurePrerequisites(sys);
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toEqual([
      'Chromium is missing at /usr/bin/chromium: install it, as root: apt-get install -y chromium',
      'python3 is not on the PATH: install it, as root: apt-get install -y python3',
      '(not done automatically: this is not root, and there is no passwordless sudo)',
    ]);
    expect(installs(ran)).toEqual([]);
  });

  it('root without apt-get: fails naming what to install', async () => {
    const { sys, ran } = fake({ python3: false, apt: false });
    const outcome = await ensurePrerequisites(sys);
    expect(outcome.ok).toBe(false);
    expect(outcome.problems).toEqual([
      'python3 is not on the PATH: install it, as root: apt-get install -y python3',
      '(not done automatically: apt-get is not available here)',
    ]);
    expect(ran).toEqual([]);
  });

  it('fails when the install does not provide what was missing', async () => {
    const { sys } = fake({ chromium: false });
    sys.quiet = () => 0; // apt-get "succeeds" without installing anything
    expect(await ensurePrerequisites(sys)).toEqual({
      ok: false,
      problems: ['the chromium package did not provide /usr/bin/chromium'],
    });
  });

  describe('PostgreSQL', () => {
    it('with IRON_TEST_POSTGRES_URL set, touches nothing, not even when no local server runs', async () => {
      const { sys, ran } = fake({
        postgresUp: false,
        clusters: [],
        env: { IRON_TEST_POSTGRES_URL: 'postgres://u@db:5432/t' },
      });
      sys.postgresUp = async () => {
        throw new Error('must not look at the local server');
      };
      expect(await ensurePrerequisites(sys)).toEqual({ ok: true, problems: [] });
      expect(ran).toEqual([]);
    });

    it('starts an installed cluster that is down, as .ci/run does, and waits for it', async () => {
      const { sys, ran } = fake({ postgresUp: false, clusters: ['15'] });
      expect(await ensurePrerequisites(sys)).toEqual({ ok: true, problems: [] });
      expect(ran).toEqual([['pg_ctlcluster', '--skip-systemctl-redirect', '15', 'main', 'start']]);
    });

    it('reports a cluster that does not come up, with its log', async () => {
      const { sys } = fake({ postgresUp: false, clusters: ['15'], startWorks: false });
      expect(await ensurePrerequisites(sys)).toEqual({
        ok: false,
        problems: ['PostgreSQL 15 did not start: see /var/log/postgresql/postgresql-15-main.log'],
      });
    });

    it('installed and down, not root: fails naming the command that starts it', async () => {
      const { sys, ran } = fake({ postgresUp: false, clusters: ['15'], uid: 1000 });
      const outcome = await ensurePrerequisites(sys);
      expect(outcome.ok).toBe(false);
      expect(outcome.problems[0]).toBe(
        'PostgreSQL 15 is installed but not running: start it, as root: ' +
          'pg_ctlcluster --skip-systemctl-redirect 15 main start (or set IRON_TEST_POSTGRES_URL)',
      );
      expect(ran).toEqual([]);
    });

    it('not installed, as root with apt-get: installs it, lets postgres reach the database test, starts it, creates test', async () => {
      const { sys, ran, state } = fake({ postgresUp: false, clusters: [] });
      expect(await ensurePrerequisites(sys)).toEqual({ ok: true, problems: [] });
      expect(ran).toEqual([
        ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', 'postgresql'],
        ['sed', '-i', `1i ${TEST_HBA_LINE}`, '/etc/postgresql/17/main/pg_hba.conf'],
        ['pg_ctlcluster', '--skip-systemctl-redirect', '17', 'main', 'start'],
        ['runuser', '-u', 'postgres', '--', 'createdb', 'test'],
      ]);
      expect(state.up).toBe(true);
    });

    it('a fresh install that started by itself is reloaded, not started', async () => {
      const { sys, ran } = fake({ postgresUp: false, clusters: [], startsOnInstall: true });
      expect((await ensurePrerequisites(sys)).ok).toBe(true);
      expect(ran.slice(1)).toEqual([
        ['sed', '-i', `1i ${TEST_HBA_LINE}`, '/etc/postgresql/17/main/pg_hba.conf'],
        ['pg_ctlcluster', '--skip-systemctl-redirect', '17', 'main', 'reload'],
        ['runuser', '-u', 'postgres', '--', 'createdb', 'test'],
      ]);
    });

    it('not installed and not root: fails naming what to install, or IRON_TEST_POSTGRES_URL', async () => {
      const { sys, ran } = fake({ postgresUp: false, clusters: [], uid: 1000 });
      const outcome = await ensurePrerequisites(sys);
      expect(outcome.ok).toBe(false);
      expect(outcome.problems[0]).toMatch(
        /^PostgreSQL is not running on 127\.0\.0\.1:5432 and not installed: as root, apt-get install -y postgresql,.*IRON_TEST_POSTGRES_URL/,
      );
      expect(ran).toEqual([]);
    });

    it('everything missing, as root: one apt-get install for all three', async () => {
      const { sys, ran } = fake({ chromium: false, python3: false, postgresUp: false, clusters: [] });
      expect((await ensurePrerequisites(sys)).ok).toBe(true);
      expect(installs(ran)[0]?.slice(-3)).toEqual(['chromium', 'python3', 'postgresql']);
    });
  });

  it('the real script is a silent no-op on this machine when everything is there, in well under a second', async () => {
    const present =
      realSystem.exists(CHROMIUM) && realSystem.onPath('python3') && (await realSystem.postgresUp());
    if (!present) return; // the other tests cover a machine that lacks something
    const script = join(dirname(fileURLToPath(import.meta.url)), 'prerequisites.js');
    const started = performance.now();
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    const bare = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    const ended = performance.now();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
    // Its own work, past a bare Node start: the PATH lookups and one local TCP connection.
    expect(bare - started - (ended - bare)).toBeLessThan(500);
  });
});
