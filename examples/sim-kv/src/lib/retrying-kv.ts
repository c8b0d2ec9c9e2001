// A retrying kv client that records every operation in a History — correct, or with one of two classic bugs switched on.
//
// The correct policy retries only what is safe: a read (GET) always; a write (SET, INCR) only when
// it never left the client (the connection could not be made). A write sent and then unanswered
// (timeout, reset) has an unknown outcome: it is recorded as such, never sent again.
// The bugs, for explore to find:
//   retryWrites  a write is sent again after a timeout or reset — an INCR that had been applied is
//                applied twice;
//   staleReads   a GET that cannot reach the server answers from the client's cache of what it
//                last saw — during a partition, an old value.
import type { Clock, Net } from '@runtime-traits/core';
import { KvClient, RedisError } from '@runtime-traits-examples/kv-server/dist/src/lib/index.js';
import type { History } from '@runtime-traits/simtest';

export interface KvPolicy {
  retryWrites: boolean;
  staleReads: boolean;
  /** Per attempt, connect and command each. Default 1000 ms. */
  timeoutMs?: number;
  /** Attempts per operation. Default 4. */
  attempts?: number;
}

export const CORRECT: KvPolicy = { retryWrites: false, staleReads: false };

type Outcome = { kind: 'ok'; value: unknown } | { kind: 'not-sent' } | { kind: 'unknown' };

export class RetryingKv {
  private conn: KvClient | undefined;
  private readonly cache = new Map<string, unknown>();
  /** Attempts that failed after the command had been sent (for tests and `sometimes`). */
  unanswered = 0;
  resent = 0;
  staleAnswers = 0;

  constructor(
    private readonly name: string,
    private readonly net: Net,
    private readonly clock: Clock,
    private readonly server: { host: string; port: number },
    private readonly history: History,
    private readonly policy: KvPolicy,
  ) {}

  get(key: string): Promise<unknown> {
    return this.operation('get', { key }, ['GET', key], true);
  }

  set(key: string, value: string): Promise<unknown> {
    return this.operation('set', { key, value }, ['SET', key, value], false);
  }

  incr(key: string): Promise<unknown> {
    return this.operation('incr', { key }, ['INCR', key], false);
  }

  async close(): Promise<void> {
    await this.conn?.close().catch(() => undefined);
    this.conn = undefined;
  }

  private async operation(op: string, input: { key: string; value?: string }, command: string[], readOnly: boolean): Promise<unknown> {
    const pending = this.history.invoke(this.name, op, input);
    const attempts = this.policy.attempts ?? 4;
    let sent = false;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const outcome = await this.attempt(command);
      if (outcome.kind === 'ok') {
        if (outcome.value instanceof RedisError) { pending.fail(); return outcome.value; }
        if (readOnly) this.cache.set(input.key, outcome.value);
        pending.ok(outcome.value);
        return outcome.value;
      }
      if (outcome.kind === 'unknown') {
        sent = true;
        this.unanswered++;
        if (!readOnly && !this.policy.retryWrites) break; // its outcome is unknown: never send it again
        if (!readOnly) this.resent++;
      }
      await this.clock.sleep(100 * 2 ** (attempt - 1));
    }
    if (readOnly && this.policy.staleReads && this.cache.has(input.key)) {
      this.staleAnswers++;
      const stale = this.cache.get(input.key);
      pending.ok(stale); // the bug: an old value passed off as the current one
      return stale;
    }
    if (sent) pending.info();
    else pending.fail();
    return undefined;
  }

  private async attempt(command: string[]): Promise<Outcome> {
    const timeoutMs = this.policy.timeoutMs ?? 1000;
    if (!this.conn) {
      try {
        this.conn = await this.clock.timeout(timeoutMs, (signal) => KvClient.connect(this.net, this.server).then((c) => {
          if (signal.aborted) { void c.close(); throw signal.reason; }
          return c;
        }));
      } catch {
        return { kind: 'not-sent' };
      }
    }
    const conn = this.conn!;
    try {
      // An error reply is an answer (the command had no effect); anything else leaves the outcome open.
      const reply = conn.command(...command).catch((error: unknown) => {
        if (error instanceof RedisError) return error;
        throw error;
      });
      const value = await this.clock.timeout(timeoutMs, reply);
      return { kind: 'ok', value };
    } catch {
      // Timed out or reset after sending: drop the connection (a late reply must not answer the next command).
      this.conn = undefined;
      void conn.close().catch(() => undefined);
      return { kind: 'unknown' };
    }
  }
}
