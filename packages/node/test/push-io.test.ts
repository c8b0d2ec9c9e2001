// PUSH_IO on the node runtime's Connection: deliveries start at resume(), what came earlier comes first,
// a sink that says "no more" stops the socket (the peer is pushed back), end after the queued chunks,
// a reset as error(), writes that call back, and read() refused once a sink holds the bytes.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { expect } from 'chai';
import { NetError, PUSH_IO, type Connection, type PushIO, type PushSink } from '@runtime-traits/core';
import { NodeRuntime } from '../src/index.js';
import { connectedPair, outcome } from './helpers.js';

const ioOf = (conn: Connection): PushIO => (conn as unknown as { [PUSH_IO]: PushIO })[PUSH_IO];

/** A sink that records what it gets; `wants` decides what data() answers. */
function recorder(wants: (received: number) => boolean = () => true): PushSink & { chunks: Buffer[]; events: string[]; received: number } {
  const sink = {
    chunks: [] as Buffer[],
    events: [] as string[],
    received: 0,
    data(chunk: Uint8Array): boolean {
      sink.chunks.push(Buffer.from(chunk));
      sink.received += chunk.byteLength;
      return wants(sink.received);
    },
    end(): void { sink.events.push('end'); },
    error(error: Error): void { sink.events.push(`error ${(error as NetError).code}`); },
  };
  return sink;
}

const until = async (cond: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('NodeRuntime Connection PUSH_IO', () => {
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create(); });
  afterEach(() => rt.shutdown());

  it('should deliver nothing before resume(), then the earlier bytes first and in order, then the end', async () => {
    const { client, server } = await connectedPair(rt.reactor.net);
    await client.write(Buffer.from('early '));
    const sink = recorder();
    expect(ioOf(server).attach(sink)).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.chunks).to.have.length(0);
    ioOf(server).resume();
    await client.write(Buffer.from('late'));
    await client.closeWrite();
    await until(() => sink.events.length > 0, 'the end');
    expect(Buffer.concat(sink.chunks).toString()).to.equal('early late');
    expect(sink.events).to.deep.equal(['end']);
  });

  it('should stop reading when data() says no, so the writer stalls, and go on from resume() without a byte lost', async () => {
    const { client, server } = await connectedPair(rt.reactor.net);
    const payload = randomBytes(32 * 1024 * 1024);
    let accepting = true;
    const sink = recorder((received) => accepting && received < 64 * 1024);
    ioOf(server).attach(sink);
    ioOf(server).resume();
    let written = false;
    const writing = client.write(payload).then(() => { written = true; });
    await until(() => sink.received >= 64 * 1024, 'the first 64 KiB');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(written, 'a 32 MiB write finished although the reader had stopped').to.equal(false);
    expect(sink.received, 'bytes taken after data() said no').to.be.below(payload.length / 4);
    accepting = false;
    const before = sink.received;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.received - before, 'deliveries after a refusal, before resume()').to.be.at.most(64 * 1024);
    sink.received = Number.NEGATIVE_INFINITY; // from here on data() always says yes
    accepting = true;
    ioOf(server).resume();
    await writing;
    await client.closeWrite();
    await until(() => sink.events.length > 0, 'the end');
    expect(sink.events).to.deep.equal(['end']);
    expect(Buffer.concat(sink.chunks).equals(payload)).to.equal(true);
  });

  it('should call a write back once done, in order, and with EPIPE after closeWrite()', async () => {
    const { client, server } = await connectedPair(rt.reactor.net);
    const sink = recorder();
    ioOf(client).attach(recorder());
    const order: string[] = [];
    ioOf(client).write(Buffer.from('a'), (error) => order.push(`a ${error ?? 'ok'}`));
    ioOf(client).write(Buffer.from('b'), (error) => order.push(`b ${error ?? 'ok'}`));
    expect(order).to.deep.equal(['a ok', 'b ok']); // small writes go to the kernel inside write()
    ioOf(server).attach(sink);
    ioOf(server).resume();
    await until(() => sink.received === 2, 'both bytes');
    await client.closeWrite();
    const failed = await new Promise<Error | null | undefined>((resolve) => ioOf(client).write(Buffer.from('c'), resolve));
    expect(NetError.is(failed) && failed.code).to.equal('EPIPE');
  });

  /** A client connected to a raw server that resets once it has heard from us (so the connect itself succeeds). */
  async function resettingPeer(use: (client: Connection) => Promise<void>): Promise<void> {
    const raw: Server = createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    try {
      await use(await rt.reactor.net.connect({ host: '127.0.0.1', port: (raw.address() as AddressInfo).port }));
    } finally {
      raw.close();
    }
  }

  it('should hand a reset to error() with ECONNRESET, and nothing after it', () => resettingPeer(async (client) => {
    const sink = recorder();
    ioOf(client).attach(sink);
    ioOf(client).resume();
    ioOf(client).write(Buffer.from('hello'), () => undefined);
    await until(() => sink.events.length > 0, 'the reset');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.events).to.deep.equal(['error ECONNRESET']);
  }));

  it('should hand a reset that came before the sink to error() at resume(), not end()', () => resettingPeer(async (client) => {
    await client.write(Buffer.from('hello'));
    await client.closed; // the reset arrived (and closed the socket) with nobody reading
    const sink = recorder();
    ioOf(client).attach(sink);
    ioOf(client).resume();
    expect(sink.events).to.deep.equal(['error ECONNRESET']);
  }));

  it('should refuse read() once a sink is attached, and refuse a second sink or one while a read waits', async () => {
    const { client, server } = await connectedPair(rt.reactor.net);
    const pending = client.read();
    expect(ioOf(client).attach(recorder())).to.equal(false);
    expect(ioOf(server).attach(recorder())).to.equal(true);
    expect(ioOf(server).attach(recorder())).to.equal(false);
    const refused = await outcome(server.read());
    expect(refused).to.be.instanceOf(Error);
    expect(String(refused)).to.match(/push consumer/);
    await server.write(Buffer.from('x'));
    expect(Buffer.from((await pending)!).toString()).to.equal('x');
  });
});
