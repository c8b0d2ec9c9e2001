// NodeReactor on its own (close releases everything) and the runtime a blocking thread sees.
import { expect } from 'chai';
import { RuntimeShutdownError } from '@runtime-traits/core';
import { NodeReactor, NodeRuntime } from '../src/index.js';
import { connectedPair, outcome } from './helpers.js';
import { nowThere, sleepHere } from './fixtures/tasks.js';

describe('NodeReactor on its own', () => {
  it('should release every listener, connection, socket and timer it opened on close()', async () => {
    const reactor = new NodeReactor();
    const { listener, client, server } = await connectedPair(reactor.net);
    const unaccepted = await reactor.net.connect(listener.address); // the listener holds its peer, not yet accepted
    const udp = await reactor.net.bindUdp({ port: 0 });
    const sleeping = outcome(reactor.clock.sleep(3_600_000));
    expect(reactor.net.openCount).to.deep.include({ listeners: 1, udpSockets: 1 });
    await reactor.close();
    expect(await listener.accept()).to.equal(null);
    await Promise.all([client.closed, server.closed]);
    expect(await unaccepted.read()).to.equal(null); // its server side was closed with the listener
    expect(await udp.recv()).to.equal(null);
    expect(RuntimeShutdownError.is(await sleeping)).to.equal(true);
    expect(reactor.clock.pendingCount).to.equal(0);
    expect(reactor.net.openCount).to.deep.equal({ connections: 0, listeners: 0, udpSockets: 0, native: 0 });
    expect(RuntimeShutdownError.is(await outcome(reactor.net.lookup('localhost')))).to.equal(true);
    await reactor.close(); // idempotent
  });

  it('should forget connections that close by themselves', async () => {
    const reactor = new NodeReactor();
    const { listener, client, server } = await connectedPair(reactor.net);
    await client.close();
    await server.close();
    await listener.close();
    expect(reactor.net.openCount).to.deep.equal({ connections: 0, listeners: 0, udpSockets: 0, native: 0 });
    await reactor.close();
  });
});

describe('a blocking task\'s cx.runtime', () => {
  it('should be a node runtime of the thread it runs on, with a working clock', async () => {
    const rt = await NodeRuntime.create({ blockingThreads: 1 });
    const seen = await rt.executor.spawnBlocking(sleepHere, [5]);
    expect(seen.runtime).to.equal('node');
    expect(seen.thread).to.not.equal(0);
    expect(seen.slept).to.be.at.least(5);
    await rt.shutdown();
  });

  it('should read the same monotonic clock as the main thread', async () => {
    const rt = await NodeRuntime.create({ blockingThreads: 1 });
    await rt.executor.spawnBlocking(nowThere, []); // the thread is up
    const before = rt.reactor.clock.now();
    const there = await rt.executor.spawnBlocking(nowThere, []);
    const after = rt.reactor.clock.now();
    // To within each thread's offset measurement (microseconds); performance.now() alone would differ by the thread's start time.
    expect(there).to.be.within(before - 1, after + 1);
    await rt.shutdown();
  });
});
