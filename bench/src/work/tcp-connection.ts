// The TCP workloads over the contract's Connection, for any Net (Node runtime, a worksteal
// worker's reactor, the simulated network): echo throughput and 1-byte ping-pong. Each returns
// the milliseconds of the data phase only (listen, connect and close are outside the timing).
import type { Connection, ListenAddress, Net } from '@runtime-traits/core';

export interface Ends {
  /** The network the echo server listens on. */
  server: Net;
  /** The network the client connects from (the same Net for loopback). */
  client: Net;
  listenAt: ListenAddress;
  /** Host name the client dials (the listener's port is appended). */
  connectHost: string;
  /** Runs the server side as a task of its runtime (default: a plain async call on this thread). */
  spawn?: (body: () => Promise<void>) => PromiseLike<unknown>;
}

async function open(ends: Ends): Promise<{ client: Connection; served: PromiseLike<unknown>; close: () => Promise<void> }> {
  const listener = await ends.server.listen(ends.listenAt);
  const port = 'port' in listener.address ? listener.address.port : 0;
  const accepted = listener.accept();
  const client = await ends.client.connect({ host: ends.connectHost, port }, { noDelay: true });
  const conn = await accepted;
  if (conn === null) throw new Error('the listener closed before accepting');
  const body = async (): Promise<void> => {
    for (;;) {
      const chunk = await conn.read();
      if (chunk === null) break;
      await conn.write(chunk);
    }
    await conn.close();
  };
  const served = ends.spawn ? ends.spawn(body) : body();
  return {
    client,
    served,
    close: async () => {
      await client.close();
      await served;
      await listener.close();
    },
  };
}

/** Sends `totalBytes` in `chunkBytes` writes through an echo server and reads them all back. */
export async function echoThroughput(ends: Ends, totalBytes: number, chunkBytes: number): Promise<number> {
  const { client, close } = await open(ends);
  const chunk = new Uint8Array(chunkBytes).fill(0x61);
  const t0 = performance.now();
  const writer = (async () => {
    for (let sent = 0; sent < totalBytes; sent += chunkBytes) await client.write(chunk);
  })();
  let received = 0;
  while (received < totalBytes) {
    const data = await client.read();
    if (data === null) throw new Error(`echo ended after ${received} of ${totalBytes} bytes`);
    received += data.byteLength;
  }
  await writer;
  const ms = performance.now() - t0;
  await close();
  return ms;
}

/** `rounds` round trips of one byte: write, wait for the echo, repeat. */
export async function pingPong(ends: Ends, rounds: number): Promise<number> {
  const { client, close } = await open(ends);
  const one = new Uint8Array([0x2a]);
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    await client.write(one);
    const data = await client.read();
    if (data === null || data.byteLength !== 1) throw new Error(`round ${r}: got ${data === null ? 'end of stream' : `${data.byteLength} bytes`}`);
  }
  const ms = performance.now() - t0;
  await close();
  return ms;
}
