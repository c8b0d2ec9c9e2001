// Example: a runtime-agnostic client with retries, exponential backoff and timeouts, and the server it talks to.
export { RetryClient, NoReplyError, DEFAULT_POLICY, backoff, isRetryable } from './lib/client.js';
export { serveGreetings } from './lib/server.js';
export { LineReader } from './lib/lines.js';

export type { RetryPolicy, Attempt } from './lib/client.js';
export type { GreetingServerOptions } from './lib/server.js';
