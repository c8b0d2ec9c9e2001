// http, undici, ws and ioredis (against a RESP server written with node-compat) over the simulated network: two hosts of a Simulation, virtual time.
import { expect } from 'chai';
import { Simulation } from '@runtime-traits/local';
import { createConnection } from '../src/index.js';
import { httpKeepAlive, redisReconnect, undiciPool, wsEcho, type Place } from './fixtures/clients.js';
import { startRespServer } from './fixtures/resp-server.js';

function world(seed = 3): { sim: Simulation; place: Place } {
  const sim = new Simulation({ seed, latency: { min: 1, max: 4 }, keepTrace: false });
  return { sim, place: { server: sim.host('server').reactor, client: sim.host('client').reactor, bindHost: '0.0.0.0', serverHost: 'server' } };
}

describe('Node libraries over node-compat on a Simulation', () => {
  it('should run http with a kept-alive socket between two simulated hosts', async () => {
    const { sim, place } = world();
    expect(await sim.host('client').run(() => httpKeepAlive(place))).to.deep.equal({ bodies: ['/a', '/b'], oneSocket: true });
    expect(sim.now(), 'virtual time passed (latency)').to.be.greaterThan(0);
    await sim.shutdown();
  });

  it('should run an undici Pool with pipelining', async () => {
    const { sim, place } = world();
    expect(await sim.host('client').run(() => undiciPool(place))).to.deep.equal(Array.from({ length: 12 }, (_, i) => `u/${i}`));
    await sim.shutdown();
  });

  it('should run a ws echo', async () => {
    const { sim, place } = world();
    expect(await sim.host('client').run(() => wsEcho(place))).to.deep.equal(['echo a', 'echo bb', 'echo ccc']);
    await sim.shutdown();
  });

  it('should run ioredis against a RESP server on a simulated host, and reconnect after the server drops it', async () => {
    const { sim, place } = world();
    const result = await sim.host('client').run(async () => {
      const resp = startRespServer(place.server);
      await new Promise<void>((resolve) => resp.server.listen(6379, '0.0.0.0', resolve));
      const clock = place.client.clock;
      const outcome = await redisReconnect(place.client, 'server', 6379, async (id) => resp.kill(id), (ms) => clock.sleep(ms));
      resp.server.close();
      return outcome;
    });
    expect(result).to.deep.equal({ value: 'value', reconnected: true });
    await sim.shutdown();
  });

  it('should fail a connect to a name no host has as Node fails a lookup: getaddrinfo ENOTFOUND <name>, no address or port', async () => {
    const sim = new Simulation({ seed: 3 });
    const host = sim.host('client');
    const error = await host.run(() => new Promise<NodeJS.ErrnoException & Record<string, unknown>>((resolve) => {
      createConnection(host.reactor, { host: 'nowhere', port: 80 }).on('error', resolve);
    }));
    await sim.shutdown();
    expect({ code: error.code, errno: error.errno, syscall: error.syscall, hostname: error.hostname, address: error.address, port: error.port, message: error.message })
      .to.deep.equal({ code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo', hostname: 'nowhere', address: undefined, port: undefined, message: 'getaddrinfo ENOTFOUND nowhere' });
  });
});

