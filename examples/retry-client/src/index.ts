// Example: a runtime-agnostic client with retries, exponential backoff and timeouts, and the server it talks to.
export { RetryClient, NoReplyError, DEFAULT_POLICY, backoff, isRetryable } from './client.js';
export { serveGreetings } from './server.js';
export { LineReader } from './lines.js';

export type { RetryPolicy, Attempt } from './client.js';
export type { GreetingServerOptions } from './server.js';
