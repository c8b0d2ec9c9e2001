// One client's command side, shared by the single-threaded server and the shard-per-core one: its session, the context its commands run in, and its parser.
import type { Connection, SocketAddress } from '@runtime-traits/core';
import type { CommandContext } from './commands/command.js';
import { RespParser, type FeedResult } from './resp-parser.js';
import { RespWriter } from './resp-writer.js';
import type { ServerState } from './server-state.js';
import type { Session } from './session.js';

function formatAddress(address: SocketAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`;
}

export class ConnectionClient {
  readonly session: Session;
  /** Where its commands run and write their replies (cx.out). */
  readonly cx: CommandContext;
  private readonly parser: RespParser;

  /** Opens the client's session on `state` (closed with `state.close(client.session)`). */
  constructor(private readonly state: ServerState, conn: Connection) {
    this.parser = new RespParser(state.limits);
    this.session = state.open(formatAddress(conn.remoteAddress), formatAddress(conn.localAddress));
    this.cx = { server: state, store: state.store, session: this.session, out: new RespWriter() };
  }

  /** Parses one chunk the client sent; a chunk that completed commands stamps the session's last-command time. */
  feed(chunk: Uint8Array): FeedResult {
    const result = this.parser.feed(chunk);
    if (result.commands.length > 0) this.session.lastCommandAt = this.state.clock.now();
    return result;
  }
}
