// The retry client under a seeded simulation: partition, loss, a server crash and restart — in virtual time.
// A failure prints its seed; rerun with SIM_SEED=<seed> to replay it exactly.
import { NetError } from '@runtime-traits/core';
import { Simulation, type SimulationOptions } from '@runtime-traits/local';
import { expect } from 'chai';
import { RetryClient, serveGreetings } from '../src/index.js';

const SEED: number | string = process.env.SIM_SEED === undefined ? 2024
  : /^\d+$/.test(process.env.SIM_SEED) ? Number(process.env.SIM_SEED) : process.env.SIM_SEED;

/** Runs `body` in a fresh simulation; any failure names the seed, so the run can be replayed. */
async function simulated<T>(opts: SimulationOptions, body: (sim: Simulation) => Promise<T>): Promise<T> {
  const sim = new Simulation({ seed: SEED, latency: { min: 2, max: 20 }, ...opts });
  try {
    return await body(sim);
  } catch (error) {
    if (error instanceof Error && !error.message.includes('seed=')) error.message += ` [seed=${JSON.stringify(SEED)}]`;
    if (error instanceof Error) error.message += ` — replay with SIM_SEED=${SEED}`;
    throw error;
  } finally {
    await sim.shutdown();
  }
}

const PORT = 7000;

describe('RetryClient (example) under simulation', () => {
  it('gets its reply on the first attempt on a healthy network', () => simulated({}, async (sim) => {
    serveGreetings(sim.host('server'), { host: '0.0.0.0', port: PORT });
    const client = sim.host('client');
    const retry = new RetryClient(client.reactor, { host: 'server', port: PORT });
    const reply = await client.run(() => retry.request('HELLO ada'));
    expect(reply).to.equal('HI ada #1');
    expect(retry.attempts.map((a) => a.outcome)).to.deep.equal(['ok']);
  }));

  it('rides out a 45-second partition: the first attempt times out at 30 s, a retry gets through after repair', () => simulated({}, async (sim) => {
    serveGreetings(sim.host('server'), { host: '0.0.0.0', port: PORT });
    const client = sim.host('client');
    sim.partition('client', 'server');
    sim.host('operator').executor.spawnLocal(async (cx) => {
      await cx.runtime.reactor.clock.sleep(45_000);
      sim.repair('client', 'server');
    }, { name: 'repair-after-45s' });
    const retry = new RetryClient(client.reactor, { host: 'server', port: PORT });
    const reply = await client.run(() => retry.request('HELLO grace'));
    expect(reply).to.equal('HI grace #1');
    expect(retry.attempts.map((a) => a.outcome)).to.deep.equal(['TimeoutError ETIMEDOUT', 'ok']);
    expect(retry.attempts[0]!.at).to.equal(30_000);
    expect(sim.now()).to.be.within(45_000, 60_200);
  }));

  it('delivers every reply intact across a lossy link (30% of packets lost)', () => simulated({ lossRate: 0.3 }, async (sim) => {
    serveGreetings(sim.host('server'), { host: '0.0.0.0', port: PORT });
    const client = sim.host('client');
    const retry = new RetryClient(client.reactor, { host: 'server', port: PORT });
    const replies = await client.run(async () => {
      const out: string[] = [];
      for (let i = 1; i <= 20; i++) out.push(await retry.request(`HELLO n${i}`));
      return out;
    });
    expect(replies).to.deep.equal(Array.from({ length: 20 }, (_, i) => `HI n${i + 1} #${i + 1}`));
    expect(sim.trace().some((line) => line.includes('retransmitted'))).to.equal(true);
  }));

  it('survives a server crash and a restart a minute later: the request during the outage times out and is retried, the restarted server counts from 1', () => simulated({}, async (sim) => {
    const server = sim.host('server');
    serveGreetings(server, { host: '0.0.0.0', port: PORT });
    const client = sim.host('client');
    sim.host('operator').executor.spawnLocal(async (cx) => {
      const { clock } = cx.runtime.reactor;
      await clock.sleep(3_500);
      sim.crash('server');
      await clock.sleep(60_000); // longer than the client's 30 s per-attempt timeout
      serveGreetings(sim.restart('server'), { host: '0.0.0.0', port: PORT });
    }, { name: 'crash-then-restart' });
    const retry = new RetryClient(client.reactor, { host: 'server', port: PORT });
    const replies = await client.run(async (cx) => {
      const out: string[] = [];
      for (let i = 1; i <= 10; i++) {
        out.push(await retry.request(`HELLO r${i}`));
        await cx.runtime.reactor.clock.sleep(1_000);
      }
      return out;
    });
    expect(replies).to.have.length(10);
    expect(replies.slice(0, 4)).to.deep.equal(['HI r1 #1', 'HI r2 #2', 'HI r3 #3', 'HI r4 #4']);
    expect(replies.filter((r) => r.endsWith(' #1'))).to.have.length(2); // the restarted server forgot its count
    // The request during the outage: SYNs into a dead host until the 30 s deadline, then a retry.
    expect(retry.attempts.filter((a) => a.outcome !== 'ok').map((a) => a.outcome)).to.include('TimeoutError ETIMEDOUT');
    expect(server.metrics().cancelled).to.be.greaterThan(0); // the crash cancelled the server's tasks
  }));

  it('gives up after its attempts, having waited exactly the backoff schedule (200 ms doubling, 10 s cap)', () => simulated({ latency: { min: 5, max: 5 } }, async (sim) => {
    sim.host('server'); // up, but nothing listens: every attempt is refused after one round trip
    const client = sim.host('client');
    const retry = new RetryClient(client.reactor, { host: 'server', port: PORT });
    const error = await client.run(() => retry.request('HELLO nobody')).catch((e: unknown) => e);
    expect(NetError.is(error) && error.code).to.equal('ECONNREFUSED');
    expect(retry.attempts).to.have.length(8);
    const backoffs = 200 + 400 + 800 + 1600 + 3200 + 6400 + 10_000;
    expect(sim.now()).to.equal(backoffs + 8 * 10);
  }));

  it('replays exactly from its seed: the crash scenario twice gives the same trace hash', async () => {
    const run = () => simulated({ lossRate: 0.1 }, async (sim) => {
      serveGreetings(sim.host('server'), { host: '0.0.0.0', port: PORT });
      const client = sim.host('client');
      sim.host('operator').executor.spawnLocal(async (cx) => {
        await cx.runtime.reactor.clock.sleep(1_000);
        sim.crash('server');
        await cx.runtime.reactor.clock.sleep(2_000);
        serveGreetings(sim.restart('server'), { host: '0.0.0.0', port: PORT });
      });
      const retry = new RetryClient(client.reactor, { host: 'server', port: PORT });
      await client.run(async (cx) => {
        for (let i = 0; i < 8; i++) { await retry.request(`HELLO ${i}`); await cx.runtime.reactor.clock.sleep(400); }
      });
      return { hash: sim.traceHash(), events: sim.trace().length };
    });
    const first = await run();
    const second = await run();
    expect(first.events).to.be.greaterThan(100);
    expect(second).to.deep.equal(first);
  });
});
