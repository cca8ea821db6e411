#!/usr/bin/env node
/**
 * What the tests need outside node_modules, checked before they run (the root `test` script and
 * `.ci/run` run this file first): Chromium at /usr/bin/chromium (the secrets panel is tested in it),
 * python3 on the PATH (the agent helper's tests), and PostgreSQL on 127.0.0.1:5432 with a database
 * `test` that `postgres` reaches without a password (or whatever `IRON_TEST_POSTGRES_URL` names,
 * which is then left alone).
 *
 * What is missing is installed from Debian's packages when this process can (root, or passwordless
 * sudo, and apt-get); a local cluster that is installed but down is started as `.ci/run` always did.
 * Otherwise it exits 1 at once, naming exactly what to install or start. When everything is there
 * it does nothing, in a few milliseconds past Node's start.
 *
 * Plain JavaScript, no dependencies: it runs before the install's build and on any Node >= 20.19.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, realpathSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
const PG_ETC = '/etc/postgresql';
/** The line a cluster this script installs gets first in its pg_hba.conf: the tests' default URL. */
export const TEST_HBA_LINE = 'host test postgres 127.0.0.1/32 trust';

/**
 * The machine, as this script sees and changes it; tests pass a fake.
 * @typedef {object} System
 * @property {(path: string) => boolean} exists       a file exists
 * @property {(command: string) => boolean} onPath    an executable of that name is on the PATH
 * @property {(dir: string) => string[]} list         a directory's entries ([] when it does not exist)
 * @property {number} uid
 * @property {Record<string, string | undefined>} env
 * @property {() => Promise<boolean>} postgresUp      something accepts connections on 127.0.0.1:5432
 * @property {(argv: string[]) => number} run         runs a command (output shown), its exit status
 * @property {(argv: string[]) => number} quiet       the same, output hidden
 * @property {(ms: number) => Promise<void>} sleep
 * @property {(line: string) => void} log
 */

/**
 * @typedef {object} Outcome
 * @property {boolean} ok
 * @property {string[]} problems  what the user must do, one line each (empty when ok)
 */

/**
 * Checks the prerequisites and provides what it can.
 * @param {System} sys
 * @returns {Promise<Outcome>}
 */
export async function ensurePrerequisites(sys) {
  const packages = [];
  if (!sys.exists(CHROMIUM)) packages.push('chromium');
  if (!sys.onPath('python3')) packages.push('python3');

  /** @type {'elsewhere' | 'up' | 'down' | 'absent'} */
  let postgres = 'elsewhere';
  if (!sys.env.IRON_TEST_POSTGRES_URL) {
    if (await sys.postgresUp()) postgres = 'up';
    else if (clusterVersion(sys) && sys.onPath('pg_ctlcluster')) postgres = 'down';
    else postgres = 'absent';
  }
  if (postgres === 'absent') packages.push('postgresql');
  if (packages.length === 0 && postgres !== 'down') return { ok: true, problems: [] };

  const sudo = privilege(sys);
  if (!sudo || (packages.length > 0 && !sys.onPath('apt-get'))) {
    return { ok: false, problems: instructions(sys, packages, postgres, sudo) };
  }

  if (packages.length > 0) {
    sys.log(`test prerequisites: installing ${packages.join(', ')} from Debian's packages`);
    const install = [...sudo, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq'];
    if (sys.quiet([...install, ...packages]) !== 0) {
      sys.run([...sudo, 'apt-get', 'update', '-qq']);
      if (sys.run([...install, ...packages]) !== 0) {
        return { ok: false, problems: [`apt-get install -y ${packages.join(' ')} failed (above)`] };
      }
    }
  }
  const problems = [];
  if (packages.includes('chromium') && !sys.exists(CHROMIUM)) {
    problems.push(`the chromium package did not provide ${CHROMIUM}`);
  }
  if (packages.includes('python3') && !sys.onPath('python3')) problems.push('python3 is not on the PATH');
  if (postgres === 'down' || postgres === 'absent') {
    const problem = await startPostgres(sys, sudo, postgres === 'absent');
    if (problem) problems.push(problem);
  }
  return { ok: problems.length === 0, problems };
}

/**
 * The local cluster's version (`ls /etc/postgresql`, the first), or undefined.
 * @param {System} sys
 */
function clusterVersion(sys) {
  return sys.list(PG_ETC).sort()[0];
}

/**
 * The prefix that runs a command as root: [] as root, sudo -n with passwordless sudo, else undefined.
 * @param {System} sys
 * @returns {string[] | undefined}
 */
function privilege(sys) {
  if (sys.uid === 0) return [];
  if (sys.onPath('sudo') && sys.quiet(['sudo', '-n', 'true']) === 0) return ['sudo', '-n'];
  return undefined;
}

/**
 * Starts the local cluster (as `.ci/run` did) and waits for it; a fresh one (just installed) first
 * gets the tests' database and a pg_hba line that lets `postgres` reach it from 127.0.0.1.
 * @param {System} sys
 * @param {string[]} sudo
 * @param {boolean} fresh
 * @returns {Promise<string | undefined>} the problem, if it did not come up
 */
async function startPostgres(sys, sudo, fresh) {
  const version = clusterVersion(sys);
  if (!version) return `no PostgreSQL cluster in ${PG_ETC} after installing postgresql`;
  const start = [...sudo, 'pg_ctlcluster', '--skip-systemctl-redirect', version, 'main'];
  if (fresh) {
    sys.log(`test prerequisites: letting postgres reach the database test from 127.0.0.1 (${TEST_HBA_LINE})`);
    const hba = join(PG_ETC, version, 'main', 'pg_hba.conf');
    sys.run([...sudo, 'sed', '-i', `1i ${TEST_HBA_LINE}`, hba]);
    // Debian's package starts the cluster where it can (systemd); then it only reloads.
    if (await sys.postgresUp()) sys.run([...start, 'reload']);
  }
  if (!(await sys.postgresUp())) {
    sys.log(`test prerequisites: starting PostgreSQL ${version} (pg_ctlcluster ${version} main start)`);
    sys.run([...start, 'start']);
    for (let i = 0; i < 30 && !(await sys.postgresUp()); i += 1) await sys.sleep(1000);
    if (!(await sys.postgresUp())) {
      return `PostgreSQL ${version} did not start: see /var/log/postgresql/postgresql-${version}-main.log`;
    }
  }
  if (fresh && sys.run([...sudo, 'runuser', '-u', 'postgres', '--', 'createdb', 'test']) !== 0) {
    return 'could not create the database test (runuser -u postgres -- createdb test)';
  }
  return undefined;
}

/**
 * What to do, one line each, when this process cannot do it.
 * @param {System} sys
 * @param {string[]} packages
 * @param {'elsewhere' | 'up' | 'down' | 'absent'} postgres
 * @param {string[] | undefined} sudo
 */
function instructions(sys, packages, postgres, sudo) {
  const why = sudo ? 'apt-get is not available here' : 'this is not root, and there is no passwordless sudo';
  const problems = [];
  if (packages.includes('chromium')) {
    problems.push(`Chromium is missing at ${CHROMIUM}: install it, as root: apt-get install -y chromium`);
  }
  if (packages.includes('python3')) {
    problems.push('python3 is not on the PATH: install it, as root: apt-get install -y python3');
  }
  if (postgres === 'absent') {
    problems.push(
      'PostgreSQL is not running on 127.0.0.1:5432 and not installed: as root, apt-get install -y postgresql, ' +
        'then run the tests once as root (they start it and create the database test), ' +
        'or set IRON_TEST_POSTGRES_URL to a database the tests may create schemas in',
    );
  }
  if (postgres === 'down') {
    const version = clusterVersion(sys);
    problems.push(
      `PostgreSQL ${version} is installed but not running: start it, as root: ` +
        `pg_ctlcluster --skip-systemctl-redirect ${version} main start (or set IRON_TEST_POSTGRES_URL)`,
    );
  }
  return [...problems, `(not done automatically: ${why})`];
}

/** @returns {Promise<boolean>} */
function postgresUp() {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 5432 });
    const done = (/** @type {boolean} */ up) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** This machine. @type {System} */
export const realSystem = {
  exists: (path) => existsSync(path),
  onPath: (command) =>
    (process.env.PATH ?? '').split(delimiter).some((dir) => {
      try {
        accessSync(join(dir, command), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }),
  list: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  uid: process.getuid?.() ?? -1,
  env: process.env,
  postgresUp,
  run: (argv) => spawnSync(argv[0] ?? '', argv.slice(1), { stdio: 'inherit' }).status ?? 1,
  quiet: (argv) => spawnSync(argv[0] ?? '', argv.slice(1), { stdio: 'ignore' }).status ?? 1,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  log: (line) => process.stderr.write(`${line}\n`),
};

/** Whether this file is the process's entry point (not imported by its tests). */
function isMain() {
  try {
    return realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  const { ok, problems } = await ensurePrerequisites(realSystem);
  if (!ok) {
    process.stderr.write(`The tests cannot run yet:\n${problems.map((p) => `  - ${p}\n`).join('')}`);
    process.exit(1);
  }
}
