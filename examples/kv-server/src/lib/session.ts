// What the server knows about one connection: its id and name, its transaction, its watched keys.
import type { Protocol } from './resp-writer.js';
import type { Watcher } from './store.js';

export class Session {
  /** CLIENT SETNAME, CLIENT SETINFO LIB-NAME / LIB-VER (latin1; empty = unset). */
  name = '';
  libName = '';
  libVersion = '';
  /** The protocol of its replies (HELLO 2/3; RESET goes back to 2). The connection's RespWriter speaks the same. */
  resp: Protocol = 2;
  /** Set by QUIT: the server closes the connection once the replies so far are written. */
  quit = false;
  /** Commands queued since MULTI, or null outside a transaction. */
  queued: Uint8Array[][] | null = null;
  /** A command was rejected while queueing: EXEC must answer EXECABORT (Redis's CLIENT_DIRTY_EXEC). */
  queueFailed = false;
  readonly watcher: Watcher = { dirty: false, keys: new Set() };

  /** `clock.now()` of the last command (CLIENT INFO idle). */
  lastCommandAt: number;

  /**
   * `id`: CLIENT ID, unique for the server's life; `address`/`localAddress`: the peer and our end,
   * as `host:port`; `createdAt`: `clock.now()` when it connected (CLIENT INFO age).
   */
  constructor(readonly id: number, readonly createdAt: number, readonly address = '', readonly localAddress = '') {
    this.lastCommandAt = createdAt;
  }

  get inMulti(): boolean {
    return this.queued !== null;
  }
}
