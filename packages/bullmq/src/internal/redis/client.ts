// A small Redis client with the ioredis surface BullMQ uses, for machines where no Redis driver is installed.
//
// WHY: BullMQ 6 ships without a driver (ioredis, node-redis... are optional peers). This client speaks
// RESP2 over one node:net socket and looks enough like ioredis (commands as methods, defineCommand,
// pipeline/multi with `[error, result]` pairs, duplicate, status and events, pub/sub) that BullMQ's own
// ioredis adapter wraps it unchanged. A lost connection rejects what is in flight with "Connection is
// closed." and reconnects (after it was ready once; a first connection that fails ends the client, so
// startup against a dead Redis fails fast instead of hanging), subscribing to its channels again.
//
// Invariants: `pending` holds one entry per command written and not yet answered, in write order
// (Redis answers in order); `outbox` holds encoded commands not yet written; both are only touched on
// this thread. In subscriber mode, 'message' pushes are routed to events and never consume `pending`.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { Batch } from './batch.js';
import { commandProxy, flatten, transformFor, type Pending, type Script } from './commands.js';
import { encodeCommand, INCOMPLETE, ReplyError, ReplyParser, type Arg, type Reply } from './resp.js';

export interface RedisClientOptions {
  host?: string;
  port?: number;
  url?: string;
  db?: number;
  username?: string;
  password?: string;
  connectionName?: string;
  lazyConnect?: boolean;
  maxRetriesPerRequest?: number | null;
  [other: string]: unknown;
}

const CLOSED_MESSAGE = 'Connection is closed.';

export class RedisClient extends EventEmitter {
  status = 'wait';
  readonly isCluster = false;
  readonly options: RedisClientOptions;
  private socket: net.Socket | undefined;
  private parser = new ReplyParser();
  private readonly pending: Pending[] = [];
  private pendingHead = 0;
  private outbox: Buffer[] = [];
  /** Commands sent before the connection was ready, in order. */
  private waiting: Array<{ args: Arg[]; pending: Pending }> = [];
  private flushScheduled = false;
  private subscriber = false;
  private connecting: Promise<void> | undefined;
  /** Set once the first connection got ready: only then is a lost connection re-established. */
  private everReady = false;
  private retries = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Channels subscribed to, subscribed again after a reconnect. */
  private readonly channels = new Set<string>();
  private readonly scripts = new Map<string, Script>();
  /** Script SHAs this connection has seen run, so later calls send EVALSHA instead of the source. */
  private readonly loaded = new Set<string>();
  /** The proxied self that callers hold. */
  private readonly self: this;

  constructor(options: RedisClientOptions = {}) {
    super();
    this.options = { ...options };
    if (options.url) {
      const url = new URL(options.url);
      this.options.host = url.hostname || '127.0.0.1';
      this.options.port = Number(url.port || 6379);
      if (url.password) this.options.password = decodeURIComponent(url.password);
      if (url.username) this.options.username = decodeURIComponent(url.username);
      const db = url.pathname.replace('/', '');
      if (db) this.options.db = Number(db);
    }
    this.self = commandProxy(this, (command, args) => this.call(command, ...args));
    if (!options.lazyConnect) this.connect().catch(() => undefined);
    return this.self;
  }

  connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    if (this.status !== 'wait' && this.status !== 'reconnecting') return Promise.reject(new Error(CLOSED_MESSAGE));
    this.status = 'connecting';
    this.parser = new ReplyParser();
    this.connecting = new Promise<void>((resolve, reject) => {
      const socket = net.connect({ host: this.options.host ?? '127.0.0.1', port: this.options.port ?? 6379 });
      this.socket = socket;
      socket.setNoDelay(true);
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.once('error', (error) => {
        if (this.status === 'connecting') reject(error);
        if (this.listenerCount('error') > 0) this.emit('error', error);
      });
      socket.once('close', () => this.onClose());
      socket.once('connect', () => {
        this.status = 'connect';
        this.emit('connect');
        this.handshake().then(() => {
          this.status = 'ready';
          this.everReady = true;
          this.retries = 0;
          for (const { args, pending } of this.waiting.splice(0)) {
            this.pending.push(pending);
            this.outbox.push(encodeCommand(args));
          }
          this.flush();
          this.emit('ready');
          resolve();
        }, reject);
      });
    });
    return this.connecting;
  }

  private async handshake(): Promise<void> {
    const { username, password, db, connectionName } = this.options;
    if (password) await this.send(username ? ['AUTH', username, password] : ['AUTH', password], undefined, true);
    if (db) await this.send(['SELECT', db], undefined, true);
    if (connectionName) await this.send(['CLIENT', 'SETNAME', connectionName], undefined, true);
    for (const channel of this.channels) await this.send(['SUBSCRIBE', channel], undefined, true);
  }

  /** Sends any command: `call('hget', key, field)`. */
  call(command: string, ...args: unknown[]): Promise<unknown> {
    const lower = command.toLowerCase();
    if (lower === 'subscribe') {
      this.subscriber = true;
      for (const channel of flatten(args)) this.channels.add(String(channel));
    }
    return this.send([command, ...flatten(args)], transformFor(lower));
  }

  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void {
    const script = { sha: createHash('sha1').update(definition.lua).digest('hex'), lua: definition.lua, keys: definition.numberOfKeys };
    this.scripts.set(name, script);
    Object.defineProperty(this, name, {
      configurable: true,
      value: (...args: unknown[]) => this.send(this.scriptCommand(script, flatten(args))).then(undefined, (error: Error) => {
        if (!String(error.message).startsWith('NOSCRIPT')) throw error;
        this.loaded.delete(script.sha);
        return this.send(this.scriptCommand(script, flatten(args)));
      }),
    });
  }

  private scriptCommand(script: Script, args: Arg[]): Arg[] {
    if (this.loaded.has(script.sha)) return ['EVALSHA', script.sha, script.keys, ...args];
    return ['EVAL', script.lua, script.keys, ...args];
  }

  pipeline(): Batch {
    return new Batch(this, false).proxy;
  }

  multi(): Batch {
    return new Batch(this, true).proxy;
  }

  duplicate(overrides: RedisClientOptions = {}): RedisClient {
    const { url: _url, ...options } = this.options;
    return new RedisClient({ ...options, ...overrides });
  }

  async quit(): Promise<string> {
    if (this.status === 'end') return 'OK';
    if (this.status !== 'ready') {
      this.disconnect();
      return 'OK';
    }
    const answer = this.send(['QUIT']).catch(() => 'OK');
    this.status = 'closing';
    const result = await answer;
    this.socket?.end();
    return String(result);
  }

  disconnect(_reconnect?: boolean): void {
    if (this.status === 'end') return;
    this.status = 'closing';
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    if (this.socket) this.socket.destroy();
    else this.onClose();
  }

  // ── Internals used by Batch ───────────────────────────────────────────────
  /** Queues one command; resolves with its (transformed) reply or rejects with its ReplyError. */
  send(args: Arg[], map?: (reply: Reply) => unknown, handshake = false): Promise<unknown> {
    if (this.status === 'end' || this.status === 'closing' && args[0] !== 'QUIT') return Promise.reject(new Error(CLOSED_MESSAGE));
    const isScript = args[0] === 'EVAL';
    const sha = isScript ? createHash('sha1').update(String(args[1])).digest('hex') : undefined;
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        resolve: sha ? (value) => { this.loaded.add(sha); resolve(value); } : resolve,
        reject,
        map,
      };
      if (handshake) {
        this.pending.push(pending);
        this.socket!.write(encodeCommand(args));
      } else {
        this.enqueue(args, pending);
      }
    });
  }

  /** Queues several commands as one write, with one pending entry each. */
  sendMany(commands: Array<{ args: Arg[]; pending: Pending }>): void {
    if (this.status === 'end' || this.status === 'closing') {
      for (const { pending } of commands) pending.reject(new Error(CLOSED_MESSAGE));
      return;
    }
    for (const { args, pending } of commands) this.enqueue(args, pending);
  }

  /** Until the connection is ready (handshake done), commands wait in `waiting`, so replies stay in order. */
  private enqueue(args: Arg[], pending: Pending): void {
    if (this.status !== 'ready' && this.status !== 'closing') {
      this.waiting.push({ args, pending });
      if (this.status === 'wait') this.connect().catch(() => undefined);
      return;
    }
    this.pending.push(pending);
    this.outbox.push(encodeCommand(args));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.status !== 'ready' && this.status !== 'closing' || !this.socket || this.outbox.length === 0) return;
    const chunk = this.outbox.length === 1 ? this.outbox[0]! : Buffer.concat(this.outbox);
    this.outbox = [];
    this.socket.write(chunk);
  }

  private onData(chunk: Buffer): void {
    this.parser.push(chunk);
    for (;;) {
      const reply = this.parser.next();
      if (reply === INCOMPLETE) break;
      if (this.subscriber && Array.isArray(reply) && (reply[0] === 'message' || reply[0] === 'pmessage')) {
        if (reply[0] === 'message') this.emit('message', reply[1], reply[2]);
        else this.emit('pmessage', reply[1], reply[2], reply[3]);
        continue;
      }
      const entry = this.pending[this.pendingHead];
      if (!entry) continue;
      this.pending[this.pendingHead++] = undefined as unknown as Pending;
      if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
        this.pending.splice(0, this.pendingHead);
        this.pendingHead = 0;
      }
      if (reply instanceof ReplyError && !entry.keepErrors) entry.reject(reply);
      else if (reply instanceof ReplyError) entry.resolve(reply);
      else {
        try {
          entry.resolve(entry.map ? entry.map(reply) : reply);
        } catch (error) {
          entry.reject(error as Error);
        }
      }
    }
    if (this.status === 'ready') this.flush();
  }

  /**
   * The socket closed. Commands in flight reject with "Connection is closed." (BullMQ treats that as a
   * connection error and retries). Unless the caller closed it or it never got ready, the client
   * reconnects after `retryStrategy(attempt)` ms (BullMQ passes one), keeping new commands until then.
   */
  private onClose(): void {
    const wasOpen = this.status !== 'end';
    const closedByCaller = this.status === 'closing' || this.status === 'end';
    this.socket = undefined;
    this.connecting = undefined;
    this.outbox = [];
    this.loaded.clear(); // the server we reconnect to may have lost its script cache (a restart)
    const inflight = this.pending.splice(this.pendingHead);
    this.pending.length = 0;
    this.pendingHead = 0;
    for (const entry of inflight) entry?.reject(new Error(CLOSED_MESSAGE));
    if (!closedByCaller && this.everReady) {
      const strategy = this.options.retryStrategy as ((times: number) => number | void | null) | undefined;
      const attempt = ++this.retries;
      const delay = typeof strategy === 'function' ? strategy(attempt) : Math.min(attempt * 200, 2000);
      if (typeof delay === 'number') {
        this.status = 'reconnecting';
        this.emit('close');
        this.emit('reconnecting', delay);
        this.reconnectTimer = setTimeout(() => {
          this.reconnectTimer = undefined;
          this.connect().catch(() => undefined);
        }, delay);
        return;
      }
    }
    this.status = 'end';
    for (const { pending } of this.waiting.splice(0)) pending.reject(new Error(CLOSED_MESSAGE));
    if (wasOpen) {
      this.emit('close');
      this.emit('end');
    }
  }

  /** Script lookup for batches (`batch.someScript(args)`). */
  scriptNamed(name: string): Script | undefined {
    return this.scripts.get(name);
  }

  scriptArgs(script: Script, args: Arg[]): Arg[] {
    return this.scriptCommand(script, args);
  }

  markLoaded(sha: string): void {
    this.loaded.add(sha);
  }
}
