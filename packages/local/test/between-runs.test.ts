// A Simulation between runs and after shutdown, its option checks, and which operation a reset names (found by a review of the local runtime).
import { NetError, RuntimeShutdownError } from '@runtime-traits/core';
import { expect } from 'chai';
import { Simulation } from '../src/index.js';

const realPause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Simulation between runs, after shutdown, and its checks', () => {
  it('should keep virtual time still between runs, whatever a background loop does and however long the real pause', async () => {
    const seen: number[] = [];
    for (const pause of [0, 60]) {
      const sim = new Simulation({ seed: 3 });
      const server = sim.host('server');
      server.executor.spawnLocal(async (cx) => { for (;;) await cx.runtime.reactor.clock.sleep(1_000); }); // a heartbeat
      await sim.host('client').run((cx) => cx.runtime.reactor.clock.sleep(10));
      await realPause(pause);
      seen.push(sim.now(), sim.trace().length);
      await sim.host('client').run((cx) => cx.runtime.reactor.clock.sleep(2_500));
      seen.push(sim.now());
      await sim.shutdown();
    }
    expect(seen.slice(0, 3), 'no real pause').to.deep.equal(seen.slice(3));
    expect(seen[0]).to.equal(10);
    expect(seen[2]).to.equal(2_510);
  });

  it('should refuse a new host after shutdown (its run() would never settle)', async () => {
    const sim = new Simulation();
    sim.host('a');
    await sim.shutdown();
    expect(() => sim.host('late')).to.throw(RuntimeShutdownError);
  });

  it('should check onUnhandledError and keepTrace, and the static checkDeterminism\'s options at the call', () => {
    expect(() => new Simulation({ onUnhandledError: 5 as never })).to.throw(TypeError, /opts\.onUnhandledError/);
    expect(() => new Simulation({ keepTrace: 'yes' as never })).to.throw(TypeError, /opts\.keepTrace/);
    expect(() => Simulation.checkDeterminism(() => undefined, { latency: { min: 2, max: 1 } })).to.throw(RangeError, /opts\.latency/);
  });

  it('should name the operation that meets a reset: write ECONNRESET for a write, read ECONNRESET for a read', async () => {
    const sim = new Simulation({ seed: 2, tcpWindow: 2 });
    const server = sim.host('server');
    const client = sim.host('client');
    const failures = await client.run(async (cx) => {
      const listener = await server.reactor.net.listen({ host: '0.0.0.0', port: 80 });
      const accepting = listener.accept();
      const conn = await cx.runtime.reactor.net.connect({ host: 'server', port: 80 });
      const peer = (await accepting)!;
      const waiting = peer.write(new Uint8Array([1, 2, 3])).catch(() => undefined); // one byte waits for the window
      await cx.runtime.reactor.clock.sleep(50);
      await conn.close(); // the peer's write still waits: the peer gets RST
      await waiting;
      await cx.runtime.reactor.clock.sleep(50);
      const failure = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: NetError) => `${e.code} ${e.syscall} ${e.message.split(':')[0]}`);
      return [await failure(peer.write(new Uint8Array([4]))), await failure(peer.read())];
    });
    await sim.shutdown();
    expect(failures).to.deep.equal(['ECONNRESET write write ECONNRESET', 'ECONNRESET read read ECONNRESET']);
  });
});
