/**
 * The binary under a pseudo-terminal, as a person uses it: the hidden prompt (asked twice, never
 * echoed), confirmation before delete, the warning before export, colour, the progress bar.
 */
import { describe, expect, it } from 'vitest';
import { BIN, newMasterKey, runInTerminal, sandbox } from './test-support.js';

const TYPED = 's3cret-typed-value-42';
const ESC = '\u001b[';

describe('on a terminal', () => {
  it('set asks twice with input hidden, and never shows the value', async () => {
    const box = sandbox();
    const session = runInTerminal(['set', 'TYPED_KEY', '--env', 'staging'], box.env(), [
      { expect: 'Value for TYPED_KEY (input hidden): ', send: `${TYPED}\r` },
      { expect: 'Repeat the value for TYPED_KEY: ', send: `${TYPED}\r` },
      { expect: 'TYPED_KEY in staging' },
    ]);
    expect(session.code).toBe(0);
    expect(session.transcript).not.toContain(TYPED);
    expect(session.transcript).not.toContain('*'.repeat(5));
    expect((await box.run(['get', 'TYPED_KEY', '--env', 'staging'])).stdout).toBe(TYPED);
  });

  it('checks the master key against the database before asking for the value', async () => {
    const box = sandbox();
    await box.run(['init']);
    const session = runInTerminal(['set', 'KEY'], box.env({ IRON_CAGE_MASTER_KEY: newMasterKey() }), [
      { expect: '(MASTER_KEY_MISMATCH)' },
    ]);
    expect(session.code).toBe(5);
    expect(session.transcript).not.toContain('input hidden');
  });

  it('backspace edits the hidden input', async () => {
    const box = sandbox();
    const session = runInTerminal(['set', 'KEY'], box.env(), [
      { expect: 'input hidden', send: `${TYPED}X\u007f\r` },
      { expect: 'Repeat', send: `${TYPED}\r` },
      { expect: 'KEY in development' },
    ]);
    expect(session.code).toBe(0);
    expect((await box.run(['get', 'KEY'])).stdout).toBe(TYPED);
  });

  it('refuses two different values, and Ctrl-C, storing nothing', async () => {
    const box = sandbox();
    const differ = runInTerminal(['set', 'KEY'], box.env(), [
      { expect: 'input hidden', send: `${TYPED}\r` },
      { expect: 'Repeat', send: 'something-else-1\r' },
      { expect: 'the two values differ; nothing was stored (INVALID_INPUT)' },
    ]);
    expect(differ.code).toBe(2);
    const interrupted = runInTerminal(['set', 'KEY'], box.env(), [
      { expect: 'input hidden', send: 'partial\u0003' },
      { expect: 'cancelled' },
    ]);
    expect(interrupted.code).toBe(130);
    expect(box.fingerprint()).toBe('absent');
  });

  it('delete asks first: no keeps the secret, yes deletes it', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY'], { input: TYPED });
    const kept = runInTerminal(['delete', 'KEY'], box.env(), [
      { expect: 'Delete KEY from development? This cannot be undone. [y/N] ', send: 'n\r' },
      { expect: '(CANCELLED)' },
    ]);
    expect(kept.code).toBe(1);
    expect((await box.run(['get', 'KEY'])).stdout).toBe(TYPED);
    const deleted = runInTerminal(['delete', 'KEY'], box.env(), [
      { expect: '[y/N] ', send: 'y\r' },
      { expect: 'Deleted KEY from development' },
    ]);
    expect(deleted.code).toBe(0);
    expect((await box.run(['get', 'KEY'])).code).toBe(3);
  });

  it('export warns before printing values to a terminal', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY', '--env', 'staging'], { input: TYPED });
    const session = runInTerminal(['export', '--env', 'staging'], box.env(), [
      { expect: 'warning: printing 1 secret values from staging in plain text to this terminal' },
      { expect: `KEY='${TYPED}'` },
    ]);
    expect(session.code).toBe(0);
    expect((await box.run(['export', '--env', 'staging'])).stderr).toBe(''); // no warning into a pipe
  });

  it('uses colour on a terminal, none with NO_COLOR and none in a pipe', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY'], { input: TYPED });
    const coloured = runInTerminal(['list'], box.env(), [{ expect: 'KEY' }]);
    expect(coloured.transcript).toContain(ESC);
    const plain = runInTerminal(['list'], box.env({ NO_COLOR: '1' }), [{ expect: 'KEY' }]);
    expect(plain.transcript).not.toContain(ESC);
    expect((await box.run(['list'])).stdout).not.toContain(ESC);
  });

  it('get prints the value with a newline and says where it came from', async () => {
    const box = sandbox();
    await box.run(['set', 'KEY', '--env', 'production'], { input: TYPED });
    const session = runInTerminal(['get', 'KEY', '--env', 'production'], box.env(), [
      { expect: `${TYPED}\r\n` },
      { expect: '(KEY from production)' },
    ]);
    expect(session.code).toBe(0);
  });

  it('master-key rotate shows a progress bar', async () => {
    const box = sandbox();
    await box.run(['set', 'A'], { input: 'value-of-a-1' });
    await box.run(['set', 'B'], { input: 'value-of-b-1' });
    const session = runInTerminal(['master-key', 'rotate'], box.env(), [
      { expect: `Re-encrypting [${'#'.repeat(30)}] 2/2` },
      { expect: 'Re-encrypted 2 secrets' },
    ]);
    expect(session.code).toBe(0);
  });
});

describe('iron-secrets run on a terminal', () => {
  const VALUE = 'sk-proj-terminal-value-123';
  const AGENT = [
    'import os, signal, sys, time, iron_secrets',
    'signal.signal(signal.SIGINT, lambda *_: (print("got SIGINT", flush=True), sys.exit(42)))',
    'iron_secrets.watch(lambda changed: print("rotated", sorted(changed), flush=True))',
    'size = os.get_terminal_size(1)',
    'print("tty", os.isatty(0), os.isatty(1), size.columns > 0, os.environ["APP_KEY"], flush=True)',
    'time.sleep(20)',
  ].join('\n');

  it('gives the agent a terminal, still redacted; keys (Ctrl-C) and rotations reach it', async () => {
    const box = sandbox();
    await box.run(['set', 'APP_KEY'], { input: VALUE });
    const session = runInTerminal(['run', '--', 'python3', '-c', AGENT], box.env(), [
      {
        expect: 'tty True True True [SECRET_REDACTED]',
        exec: {
          argv: [process.execPath, BIN, 'set', 'APP_KEY'],
          env: box.env(),
          input: 'sk-proj-rotated-on-tty-1',
        },
      },
      { expect: "rotated ['APP_KEY']", send: '\u0003' },
      { expect: 'got SIGINT' },
    ]);
    expect(session.code).toBe(42);
    expect(session.transcript).toContain('INFO Secret rotated: APP_KEY (no restart required)');
    expect(session.transcript).not.toContain(VALUE);
    expect(session.transcript).not.toContain('sk-proj-rotated-on-tty-1');
  });

  it('--no-redact hands the agent the terminal itself', async () => {
    const box = sandbox();
    await box.run(['set', 'APP_KEY'], { input: VALUE });
    const session = runInTerminal(
      [
        'run',
        '--no-redact',
        '--',
        'python3',
        '-c',
        'import os; print("tty", os.isatty(1), os.environ["APP_KEY"])',
      ],
      box.env(),
      [{ expect: `tty True ${VALUE}` }],
    );
    expect(session.code).toBe(0);
  });
});
