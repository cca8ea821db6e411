import { describe, expect, it } from 'vitest';
import { agentIdFor } from './agent-id.js';

describe('agentIdFor', () => {
  it.each([
    ['python3', ['-u', 'agents/lead_bot.py', '--fast'], 'lead_bot.py'],
    ['/usr/bin/python3.12', ['bot.py'], 'bot.py'],
    ['node', ['dist/bot.js'], 'bot.js'],
    ['sh', ['-c', 'exit 7'], 'sh'],
    ['node', ['-e', 'console.log(1)'], 'node'],
    ['./legacy-bot', ['--config', 'x.toml'], 'legacy-bot'],
    ['/opt/my bot/run me', [], 'run_me'],
    ['python3', [], 'python3'],
  ])('%s %j is %s', (command, args, expected) => {
    expect(agentIdFor(command, args)).toBe(expected);
  });
});
