/**
 * @module child-environment
 * The environment an agent is started with: its secrets as variables, the endpoint to refresh
 * them, the Python helper on its path, the Node helper's path, and none of what would let it reach more than its own
 * secrets.
 */
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SecretValues } from './secret-source.js';

/**
 * Variables never passed to the agent: the master key (R6: never on to an agent), the token that
 * reads the API, and where the database is.
 */
export const WITHHELD_VARIABLES: readonly string[] = Object.freeze([
  'IRON_CAGE_MASTER_KEY',
  'IRON_CAGE_MASTER_KEY_FILE',
  'IRON_CAGE_NEW_MASTER_KEY',
  'IRON_SECRETS_TOKEN',
  'IRON_SECRETS_DB',
  'IRON_CAGE_HANDOVER_FD',
]);

/** The directory holding `iron_secrets.py`, put on the child's PYTHONPATH. */
export const PYTHON_HELPER_DIRECTORY = fileURLToPath(new URL('../python', import.meta.url));

/**
 * The built Node helper (`@iron/secrets-runtime/agent`), given to the child as
 * IRON_SECRETS_NODE_HELPER: an ES module that imports only Node's built-ins and two files beside
 * it, so `await import(process.env.IRON_SECRETS_NODE_HELPER)` works from any directory with
 * nothing installed. `../dist` from both `src` and `dist`: the package's built file either way.
 */
export const NODE_HELPER_PATH = fileURLToPath(new URL('../dist/agent.js', import.meta.url));

/** What the child needs to refresh its values. */
export interface EndpointVariables {
  readonly url: string;
  readonly token: string;
}

/**
 * The child's environment: the parent's, minus {@link WITHHELD_VARIABLES}, plus every secret
 * (a secret wins over a variable of the same name), IRON_SECRETS_ENDPOINT,
 * IRON_SECRETS_AGENT_TOKEN, IRON_SECRETS_NODE_HELPER, and the Python helper's directory appended
 * to PYTHONPATH.
 */
export function childEnvironment(
  parent: NodeJS.ProcessEnv,
  secrets: SecretValues,
  endpoint: EndpointVariables,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent };
  for (const name of WITHHELD_VARIABLES) delete env[name];
  for (const [name, value] of secrets) env[name] = value;
  env.IRON_SECRETS_ENDPOINT = endpoint.url;
  env.IRON_SECRETS_AGENT_TOKEN = endpoint.token;
  env.IRON_SECRETS_NODE_HELPER = NODE_HELPER_PATH;
  const existing = parent.PYTHONPATH;
  env.PYTHONPATH =
    existing === undefined || existing === ''
      ? PYTHON_HELPER_DIRECTORY
      : `${existing}${delimiter}${PYTHON_HELPER_DIRECTORY}`;
  return env;
}
