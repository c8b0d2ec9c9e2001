// The kv-server library inside the local runtime's Simulation: two hosts, a simulated network, virtual time.
import { expect } from 'chai';
import { Container } from 'inversify';
import { Simulation } from '@runtime-traits/local';
import type { LocalRuntime } from '@runtime-traits/local';
import { runtimeModule } from '@runtime-traits/inversify';
import { KvClient, KvServer, RedisError } from '../src/lib/index.js';

const PORT = 6379;

/** A server host wired through inversify, exactly as the app wires a real runtime. */
async function serve(host: LocalRuntime): Promise<KvServer> {
  const container = new Container();
  container.load(runtimeModule(host));
  container.bind(KvServer).toSelf();
  const server = container.get(KvServer);
  await host.run(() => server.listen({ host: '0.0.0.0', port: PORT }));
  return server;
}

async function connect(host: LocalRuntime): Promise<KvClient> {
  const [ip] = await host.reactor.net.lookup('server');
  return KvClient.connect(host.reactor.net, { host: ip!, port: PORT });
}

describe('kv-server in a Simulation (local runtime, virtual clock)', function () {
  this.timeout(30_000);
  let sim: Simulation;

  beforeEach(() => { sim = new Simulation({ seed: 42, latency: { min: 1, max: 20 } }); });
  afterEach(async () => { await sim.shutdown(); });

  it('should serve commands from another host over the simulated network', async () => {
    await serve(sim.host('server'));
    const client = sim.host('client');
    const replies = await client.run(async () => {
      const kv = await connect(client);
      const out = [await kv.command('PING'), await kv.command('SET', 'k', 'v'), await kv.command('GET', 'k'),
        await kv.command('INCR', 'n'), await kv.command('DBSIZE')];
      await kv.close();
      return out;
    });
    expect(replies).to.deep.equal(['PONG', 'OK', 'v', 1, 2]);
  });

  it('should send text, numbers and bytes with their byte lengths (non-ASCII, astral, a lone surrogate)', async () => {
    await serve(sim.host('server'));
    const client = sim.host('client');
    const key = new Uint8Array([0xff, 0x00, 0x0d, 0x0a]);
    const replies = await client.run(async () => {
      const kv = await connect(client);
      const out = [await kv.command('SET', 'greeting', 'héllo wörld € 😀 \ud800!'), await kv.command('GET', 'greeting'),
        await kv.command('STRLEN', 'greeting'), await kv.command('SET', key, 12.5), await kv.command('GET', key),
        await kv.command('INCRBY', 'n', -3), await kv.command('APPEND', 'greeting', '✓')];
      await kv.close();
      return out;
    });
    // STRLEN and APPEND count the bytes the server stored: é ö 2 each, € 3, 😀 4, the lone surrogate
    // sent as U+FFFD 3, ✓ 3.
    expect(replies).to.deep.equal(['OK', 'héllo wörld € 😀 \ufffd!', 27, 'OK', '12.5', -3, 30]);
  });

  it('should expire SET ... EX 3600 after an hour of virtual time', async () => {
    await serve(sim.host('server'));
    const client = sim.host('client');
    const started = sim.now();
    const seen = await client.run(async () => {
      const kv = await connect(client);
      await kv.command('SET', 'session', 'abc', 'EX', '3600');
      const ttl = await kv.command('TTL', 'session');
      await client.reactor.clock.sleep(3_599_000);
      const almost = await kv.command('GET', 'session');
      await client.reactor.clock.sleep(1_000);
      const gone = await kv.command('GET', 'session');
      const ttlAfter = await kv.command('TTL', 'session');
      await kv.close();
      return { ttl, almost, gone, ttlAfter };
    });
    expect(seen).to.deep.equal({ ttl: 3600, almost: 'abc', gone: null, ttlAfter: -2 });
    expect(sim.now() - started).to.be.at.least(3_600_000);
  });

  it('should answer a pipeline of 20000 commands, more than the TCP window holds, in order', async () => {
    await serve(sim.host('server'));
    const client = sim.host('client');
    const replies = await client.run(async () => {
      const kv = await connect(client);
      const commands = Array.from({ length: 20_000 }, (_, i) => (i % 2 === 0 ? ['INCR', 'counter'] : ['GET', 'counter']));
      const out = await kv.pipeline(commands);
      await kv.close();
      return out;
    });
    expect(replies).to.have.length(20_000);
    expect(replies[19_998]).to.equal(10_000);
    expect(replies[19_999]).to.equal('10000');
  });

  it('should close a connection that sends a malformed frame, and keep serving the others', async () => {
    await serve(sim.host('server'));
    const client = sim.host('client');
    const outcome = await client.run(async () => {
      const good = await connect(client);
      const bad = await connect(client);
      await bad.writeRaw('*1\r\n$4\r\nPING\r\n*1\r\n:5\r\n');
      const pong = await bad.readReply();
      const error = await bad.readReply();
      const ended = await bad.ended();
      const stillServing = await good.command('ECHO', 'still here');
      const unknown = await good.command('NOPE').catch((e: unknown) => e);
      await Promise.all([good.close(), bad.close()]);
      return { pong, error, ended, stillServing, unknown };
    });
    expect(outcome.pong).to.equal('PONG');
    expect(outcome.error).to.be.instanceOf(RedisError);
    expect((outcome.error as Error).message).to.equal("ERR Protocol error: expected '$', got ':'");
    expect(outcome.ended).to.equal(true);
    expect(outcome.stillServing).to.equal('still here');
    expect((outcome.unknown as Error).message).to.match(/^ERR unknown command 'NOPE'/);
  });

  it('should end a connected client\'s stream when the server\'s module is unloaded (runtime shut down)', async () => {
    const serverHost = sim.host('server');
    const container = new Container();
    const module = runtimeModule(serverHost);
    container.load(module);
    container.bind(KvServer).toSelf();
    await serverHost.run(() => container.get(KvServer).listen({ host: '0.0.0.0', port: PORT }));
    const client = sim.host('client');
    const kv = await client.run(async () => {
      const c = await connect(client);
      await c.command('SET', 'k', 'v');
      return c;
    });
    await container.unloadAsync(module);
    const outcome = await client.run(() => kv.command('GET', 'k').then(() => 'answered', (e: unknown) => (e as Error).message));
    expect(outcome).to.match(/connection closed by the server|ECONNRESET|reset/i);
    const refused = await client.run(() => connect(client).then(() => 'connected', (e: unknown) => (e as { code?: string }).code));
    // Nobody listens any more: refused, or (the simulation's choice for a host whose runtime is gone) no answer at all.
    expect(refused).to.be.oneOf(['ECONNREFUSED', 'ETIMEDOUT']);
  });

  it('should replay the same run event for event under the same seed', async () => {
    const scenario = async (seed: number) => {
      const world = new Simulation({ seed, latency: { min: 1, max: 20 } });
      await serve(world.host('server'));
      const host = world.host('client');
      await host.run(async () => {
        const kvs = await Promise.all([connect(host), connect(host), connect(host)]);
        await Promise.all(kvs.map((kv, i) => kv.pipeline([['INCR', 'shared'], ['SET', `k${i}`, 'v', 'PX', '500'], ['DBSIZE']])));
        await host.reactor.clock.sleep(600);
        await Promise.all(kvs.map((kv) => kv.close()));
      });
      const hash = world.traceHash();
      await world.shutdown();
      return hash;
    };
    expect(await scenario(7)).to.equal(await scenario(7));
  });
});
