// NodeServer: a net.Server whose listen() goes through a runtime's Net (see serve.ts for how).
import net from 'node:net';
import { listenVia } from './serve.js';
import { normalizeListenArgs } from './internal/args.js';
import { codedError, nodeError } from './internal/node-errors.js';
import type { Source } from './internal/source.js';
import type { NodeSocket } from './node-socket.js';

/** Options of {@link createServer} and `new NodeServer()`, as node's `net.createServer(options)`. */
export interface NodeServerOptions {
  /** Default false: an accepted socket ends its side after the peer's end. */
  allowHalfOpen?: boolean;
  /** Accepted sockets start paused. */
  pauseOnConnect?: boolean;
  /** High-water mark of each accepted socket's readable and writable sides, in bytes. */
  highWaterMark?: number;
}

/**
 * Shaped like net.Server, and one: `listen(port?, host?, backlog?, cb?)`, `listen(path, cb?)`,
 * `listen({ port, host, path, backlog }, cb?)`, `address()`, `close(cb)`, `getConnections(cb)`,
 * `ref`/`unref` (no-ops: the runtime's Listener decides), `maxConnections`, events 'listening',
 * 'connection' (a NodeSocket), 'close', 'error', 'drop'. The host defaults to 127.0.0.1.
 */
export class NodeServer extends net.Server {
  readonly #source: Source;

  constructor(source: Source, options?: NodeServerOptions, connectionListener?: (socket: NodeSocket) => void) {
    super({ allowHalfOpen: options?.allowHalfOpen, pauseOnConnect: options?.pauseOnConnect, highWaterMark: options?.highWaterMark },
      connectionListener as ((socket: net.Socket) => void) | undefined);
    this.#source = source;
  }

  override listen(...args: unknown[]): this {
    const { at, backlog, cb } = normalizeListenArgs(args);
    if (this.listening) throw codedError('ERR_SERVER_ALREADY_LISTEN', 'Listen method has been called more than once without closing.');
    if (cb) this.once('listening', cb);
    listenVia(this as never, this.#source, at, backlog).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'ERR_SERVER_NOT_RUNNING') return; // closed before it listened: nothing to report
      this.emit('error', nodeError(error, 'listen', 'EADDRINUSE', 'path' in at ? at : { host: at.host ?? '127.0.0.1', port: at.port }));
    });
    return this;
  }
}
