// The echo library: an echo server and a one-shot client, given an executor and a network by injection.
import { EXECUTOR, NET } from '@runtime-traits/core';
import type { Connection, Executor, ListenAddress, Listener, Net, SocketAddress, Task } from '@runtime-traits/core';
import { inject, injectable } from 'inversify';

@injectable()
export class EchoService {
  private listener: Listener | null = null;
  private acceptLoop: Task<void> | null = null;

  constructor(
    @inject(EXECUTOR) private readonly executor: Executor,
    @inject(NET) private readonly net: Net,
  ) {}

  /** Listens and echoes every byte back to every client, each client in its own task. */
  async listen(at: ListenAddress = { port: 0 }): Promise<SocketAddress> {
    const listener = await this.net.listen(at);
    this.listener = listener;
    this.acceptLoop = this.executor.spawnLocal(async () => {
      for (let conn = await listener.accept(); conn !== null; conn = await listener.accept()) {
        this.executor.spawnLocal(() => echo(conn!)).detach();
      }
    });
    return listener.address;
  }

  /** Sends `message`, half-closes, and returns everything the server sent back. */
  async roundTrip(to: SocketAddress, message: string): Promise<string> {
    const conn = await this.net.connect(to);
    try {
      // Send and receive at the same time: the server echoes while we are still sending, and if
      // we read only after sending, a message larger than both windows would wedge both sides.
      const sending = conn.write(message).then(() => conn.closeWrite());
      const decoder = new TextDecoder();
      let reply = '';
      for await (const chunk of conn) reply += decoder.decode(chunk, { stream: true });
      await sending;
      return reply + decoder.decode();
    } finally {
      await conn.close();
    }
  }

  /** Stops accepting. */
  async close(): Promise<void> {
    await this.listener?.close();
    await this.acceptLoop;
  }
}

async function echo(conn: Connection): Promise<void> {
  try {
    for await (const chunk of conn) await conn.write(chunk);
  } finally {
    await conn.close();
  }
}
