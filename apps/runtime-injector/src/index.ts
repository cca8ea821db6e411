/**
 * @module @iron/secrets-runtime
 * The runtime injector: runs an agent with its secrets as environment variables (never on a
 * command line or in a file), redacts them from its output, and rotates them while it runs.
 */
export { type AgentEndpoint, type AgentEndpointOptions, startAgentEndpoint } from './agent-endpoint.js';
export { agentIdFor } from './agent-id.js';
export {
  childEnvironment,
  NODE_HELPER_PATH,
  PYTHON_HELPER_DIRECTORY,
  WITHHELD_VARIABLES,
} from './child-environment.js';
export { DEFAULT_POLL_MS, type EmbeddedSourceOptions, openEmbeddedSource } from './embedded-source.js';
export { isDescendantOf } from './process-tree.js';
export { redactingStream } from './redacting-stream.js';
export { openRemoteSource, RemoteServerError, type RemoteSourceOptions } from './remote-source.js';
export { logLine } from './rotation-log.js';
export { MAX_NOTICES, type NoticeListener } from './rotation-notices.js';
export {
  EXIT_NOT_EXECUTABLE,
  EXIT_NOT_FOUND,
  FORWARDED_SIGNALS,
  RESTART_GRACE_MS,
  type RunAgentOptions,
  runAgent,
} from './run-agent.js';
export type { SecretSource, SecretValues } from './secret-source.js';
