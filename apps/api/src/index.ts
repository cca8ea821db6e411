/**
 * @module @iron/secrets-api
 * The HTTP API over `@iron/secrets-core`: `createApi` (a Hono app) and `startServer` (on Node).
 */
export { type ApiApp, type ApiOptions, createApi, MAX_BODY_BYTES } from './app.js';
export { FAILURE_WINDOW_MS, FailureLimiter, MAX_FAILURES } from './auth.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
