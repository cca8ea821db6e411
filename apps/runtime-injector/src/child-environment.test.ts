import { describe, expect, it } from 'vitest';
import { childEnvironment, PYTHON_HELPER_DIRECTORY, WITHHELD_VARIABLES } from './child-environment.js';

describe('childEnvironment', () => {
  const endpoint = { url: 'http://127.0.0.1:4000', token: 'endpoint-token' };

  it('withholds the master key, the API token and the database; secrets win over same-named variables', () => {
    const parent = {
      PATH: '/usr/bin',
      IRON_CAGE_MASTER_KEY: 'k',
      IRON_CAGE_MASTER_KEY_FILE: '/k',
      IRON_CAGE_NEW_MASTER_KEY: 'n',
      IRON_SECRETS_TOKEN: 't',
      IRON_SECRETS_DB: '/db',
      OPENAI_API_KEY: 'stale',
    };
    const env = childEnvironment(parent, new Map([['OPENAI_API_KEY', 'fresh-value-1']]), endpoint);
    for (const name of WITHHELD_VARIABLES) expect(env).not.toHaveProperty(name);
    expect(env).toMatchObject({
      PATH: '/usr/bin',
      OPENAI_API_KEY: 'fresh-value-1',
      IRON_SECRETS_ENDPOINT: endpoint.url,
      IRON_SECRETS_AGENT_TOKEN: endpoint.token,
      PYTHONPATH: PYTHON_HELPER_DIRECTORY,
    });
    expect(parent.IRON_CAGE_MASTER_KEY).toBe('k'); // the parent's environment is not touched
  });

  it('appends the helper to an existing PYTHONPATH', () => {
    const env = childEnvironment({ PYTHONPATH: '/a:/b' }, new Map(), endpoint);
    expect(env.PYTHONPATH).toBe(`/a:/b:${PYTHON_HELPER_DIRECTORY}`);
  });
});
