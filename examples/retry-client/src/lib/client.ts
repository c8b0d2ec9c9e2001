// A client written only against @runtime-traits/core: per-attempt timeout, retries, exponential backoff.
import type { Reactor, SocketAddress } from '@runtime-traits/core';
import { NetError, RuntimeError, TimeoutError } from '@runtime-traits/core';
import { LineReader } from './lines.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait after the first failure; doubles after each further one. */
  baseDelayMs: number;
  /** Cap on one wait. */
  maxDelayMs: number;
  /** One attempt (connect, send, reply) gives up after this long. */
  timeoutMs: number;
}

export const DEFAULT_POLICY: RetryPolicy = { attempts: 8, baseDelayMs: 200, maxDelayMs: 10_000, timeoutMs: 30_000 };

/** What happened to one attempt, for logs and tests. */
export interface Attempt {
  attempt: number;
  at: number;
  outcome: 'ok' | string;
}

/** The server closed the connection without a reply. */
export class NoReplyError extends Error {
  override readonly name = 'NoReplyError';
}

/** Faults worth another attempt: the network's, the deadline's, a server that hung up. */
export function isRetryable(error: unknown): boolean {
  if (TimeoutError.is(error) || error instanceof NoReplyError) return true;
  if (!NetError.is(error)) return false;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED'].includes(error.code);
}

/** The wait before attempt `attempt + 1` (attempt counts from 1). */
export function backoff(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

export class RetryClient {
  readonly policy: RetryPolicy;
  /** Every attempt made, in order. */
  readonly attempts: Attempt[] = [];

  constructor(private readonly reactor: Reactor, private readonly server: SocketAddress, policy: Partial<RetryPolicy> = {}) {
    this.policy = { ...DEFAULT_POLICY, ...policy };
  }

  /** Sends one line and returns the reply line; retries retryable faults, then rethrows the last one. */
  async request(line: string): Promise<string> {
    const { clock } = this.reactor;
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await clock.timeout(this.policy.timeoutMs, (signal) => this.once(line, signal));
        this.attempts.push({ attempt, at: clock.now(), outcome: 'ok' });
        return reply;
      } catch (error) {
        this.attempts.push({ attempt, at: clock.now(), outcome: describe(error) });
        if (!isRetryable(error) || attempt >= this.policy.attempts) throw error;
        await clock.sleep(backoff(this.policy, attempt));
      }
    }
  }

  private async once(line: string, signal: AbortSignal): Promise<string> {
    const conn = await this.reactor.net.connect(this.server, { signal });
    try {
      await conn.write(`${line}\n`, { signal });
      const reply = await new LineReader(conn).next(signal);
      if (reply === null) throw new NoReplyError('the server closed the connection without a reply');
      return reply;
    } finally {
      await conn.close();
    }
  }
}

function describe(error: unknown): string {
  if (RuntimeError.is(error)) return `${error.name} ${error.code}`;
  return error instanceof Error ? error.name : String(error);
}
