// What every connection shares: the store, the clock, the limits, the counters INFO reports.
import type { Clock } from '@runtime-traits/core';
import type { ParserLimits } from './resp-parser.js';
import { MAX_BULK, MAX_QUERY_BUFFER } from './resp-parser.js';
import { Session } from './session.js';
import { Store } from './store.js';

/** Options of a KvServer (bind them to KV_SERVER_OPTIONS, or pass them to `new ServerState`). */
export interface KvServerOptions extends ParserLimits {
  /** The keyspace to serve (default: a new, empty Store on the server's clock) — e.g. one that outlives a crashed host. */
  store?: Store;
  /**
   * The connection ids it hands out (CLIENT ID, HELLO): `first`, `first + step`, … (default 1, 2, …).
   * Shard-per-core gives worker k of n the ids k + 1, k + 1 + n, …: unique over the whole server.
   */
  clientIds?: { first: number; step: number };
}

/** The Redis version whose command semantics this server follows (INFO redis_version, HELLO version). */
export const REDIS_VERSION = '7.2.0';

export class ServerState {
  readonly store: Store;
  readonly limits: Required<ParserLimits>;
  /** `clock.now()` when the server was created (INFO uptime). */
  readonly startedAt: number;
  /** The TCP port, once listening (INFO tcp_port); 0 before. */
  port = 0;
  totalConnections = 0;
  totalCommands = 0;
  rejectedConnections = 0;
  /** The open connections' sessions (CLIENT LIST, INFO connected_clients). */
  readonly sessions = new Set<Session>();
  private nextClientId: number;
  private readonly clientIdStep: number;

  constructor(readonly clock: Pick<Clock, 'now' | 'wallClock'>, options: KvServerOptions = {}) {
    this.store = options.store ?? new Store(clock);
    this.nextClientId = options.clientIds?.first ?? 1;
    this.clientIdStep = options.clientIds?.step ?? 1;
    this.startedAt = clock.now();
    this.limits = {
      maxBulkLength: positive(options.maxBulkLength, MAX_BULK, 'options.maxBulkLength'),
      maxQueryBuffer: positive(options.maxQueryBuffer, MAX_QUERY_BUFFER, 'options.maxQueryBuffer'),
    };
  }

  /** A session for a new connection, counted until `close(session)`. */
  open(address = '', localAddress = ''): Session {
    const session = new Session(this.nextClientId, this.clock.now(), address, localAddress);
    this.nextClientId += this.clientIdStep;
    this.sessions.add(session);
    this.totalConnections++;
    return session;
  }

  /** Forgets a closed connection's session and its WATCHes. */
  close(session: Session): void {
    this.store.unwatchAll(session.watcher);
    this.sessions.delete(session);
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
