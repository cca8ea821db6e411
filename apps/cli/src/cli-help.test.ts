/** --help and --version: every command documents itself with examples; help is not an error. */
import { describe, expect, it } from 'vitest';
import { sandbox } from './test-support.js';

const COMMANDS = [
  ['keygen'],
  ['init'],
  ['set'],
  ['get'],
  ['list'],
  ['delete'],
  ['import'],
  ['export'],
  ['audit'],
  ['audit', 'verify'],
  ['token'],
  ['token', 'create'],
  ['token', 'list'],
  ['token', 'revoke'],
  ['master-key'],
  ['master-key', 'rotate'],
  ['run'],
  ['serve'],
];

describe('help', () => {
  it('the program help lists every command, examples, environment variables and the exit codes', async () => {
    const result = await sandbox().run(['--help']);
    expect(result.code).toBe(0);
    for (const [command] of COMMANDS) expect(result.stdout).toContain(`  ${command}`);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('IRON_CAGE_MASTER_KEY_FILE');
    expect(result.stdout).toMatch(
      /Exit codes:\n {2}0 {2}ok\n {2}1 .*\n {2}2 {2}usage.*\n {2}3 {2}not found.*\n {2}4 {2}access denied\n {2}5 {2}master key.*\n {2}6 {2}integrity/,
    );
  });

  it.each(COMMANDS.map((command) => command.join(' ')))('%s --help has examples', async (command) => {
    const result = await sandbox().run([...command.split(' '), '--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: iron-secrets /);
    expect(result.stdout).toMatch(/\nExamples:\n {2}.*iron-secrets /);
  });

  it('--version prints the version', async () => {
    const result = await sandbox().run(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });
});
