// Host names resolved as node:net resolves them: options.lookup (asked with node:net's options, both answer shapes) or the runtime's
// Net, the 'lookup' event (err, address, family, host), errors, IP literals, a socket destroyed meanwhile — compared with node:net
// itself on the node runtime, and deterministic on a Simulation (also with undici's and http's `lookup` under withNodeApis).
import { expect } from 'chai';
import dns from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import { Agent, request } from 'undici';
import { NodeRuntime } from '@runtime-traits/node';
import { Simulation } from '@runtime-traits/local';
import { createConnection, createSocket, withNodeApis, type ConnectTarget, type NodeSocket } from '../src/index.js';
import { watchRejections } from './helpers/rejections.js';

type Callback = (error: unknown, address?: unknown, family?: unknown) => void;
type Lookup = (host: string, options: object, cb: Callback) => void;
type AnySocket = net.Socket | NodeSocket;

/** What a socket did: the options its lookup was asked with, then 'lookup' (its arguments), 'connect' (the peer) and 'error' events, up to 'close'. */
function record(socket: AnySocket, asked: unknown[]): Promise<unknown[]> {
  const log: unknown[] = [];
  const show = (value: unknown): unknown => (value instanceof Error ? `${value.constructor.name} ${(value as { code?: string }).code} ${value.message}` : value);
  socket.on('lookup', (...args: unknown[]) => log.push(['lookup', ...args.map(show)]));
  socket.on('connect', () => { log.push(['connect', socket.remoteAddress]); socket.destroy(); });
  socket.on('error', (error: Error) => log.push(['error', show(error)]));
  return new Promise((resolve) => socket.once('close', (hadError: boolean) => resolve([['asked', ...asked], ...log, ['close', hadError]])));
}

/** `answer` as a lookup that records what it was asked and answers on the next tick (or at once with `sync`). */
function lookupWith(answer: (options: { all?: boolean }, cb: Callback) => void, asked: unknown[], sync = false): Lookup {
  return (host, options, cb) => {
    asked.push(host, { ...options });
    if (sync) answer(options, cb);
    else process.nextTick(() => answer(options, cb));
  };
}

describe("NodeSocket: host names, options.lookup and 'lookup', against node:net", () => {
  let rt: NodeRuntime;
  let server: net.Server;
  let port: number;
  const rejections = watchRejections();
  before(async () => {
    rt = await NodeRuntime.create();
    server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rt.shutdown();
  });
  afterEach(() => expect(rejections.count(), 'unhandled rejections').to.equal(0));

  /** The same connect on a node:net socket and on a NodeSocket (listeners attached before connect()): both logs. */
  async function both(options: Record<string, unknown>, answer?: (options: { all?: boolean }, cb: Callback) => void, sync = false): Promise<unknown[][]> {
    const logs: unknown[][] = [];
    for (const make of [() => new net.Socket(), () => createSocket(rt.reactor)]) {
      const asked: unknown[] = [];
      const socket: AnySocket = make();
      const done = record(socket, asked);
      (socket as net.Socket).connect({ port, ...options, ...(answer ? { lookup: lookupWith(answer, asked, sync) } : {}) } as net.TcpSocketConnectOpts);
      logs.push(await done);
    }
    return logs;
  }

  const one = (cb: Callback): void => cb(null, '127.0.0.1', 4);
  const each = (list: Array<{ address: string; family: number }>) => (options: { all?: boolean }, cb: Callback): void => {
    if (options.all) cb(null, list);
    else cb(null, list[0]!.address, list[0]!.family);
  };

  it("should dial the address options.lookup answers with (not the name), asked with node:net's options, emitting node:net's 'lookup' events", async () => {
    const cases: Array<[string, Record<string, unknown>, (options: { all?: boolean }, cb: Callback) => void, boolean?]> = [
      ['default (autoSelectFamily: all: true)', {}, each([{ address: '127.0.0.1', family: 4 }])],
      ['family 4', { family: 4 }, (_o, cb) => one(cb)],
      ["family 'IPv4', hints", { family: 'IPv4', hints: dns.V4MAPPED }, (_o, cb) => one(cb)],
      ['autoSelectFamily: false', { autoSelectFamily: false }, (_o, cb) => one(cb)],
      ['hints given', { hints: dns.V4MAPPED }, each([{ address: '127.0.0.1', family: 4 }])],
      ['answered synchronously', {}, each([{ address: '127.0.0.1', family: 4 }]), true],
      ['answered synchronously, one address', { family: 4 }, (_o, cb) => one(cb), true],
      ['several addresses: the refused first, then the next', {}, each([
        { address: '127.0.0.2', family: 4 }, { address: 'not-an-ip', family: 4 }, { address: '127.0.0.1', family: 4 },
      ])],
    ];
    for (const [label, options, answer, sync] of cases) {
      const [expected, actual] = await both({ host: 'my.alias', ...options }, answer, sync);
      expect(expected, `node:net, ${label}`).to.deep.include.members([['connect', '127.0.0.1']]);
      expect(actual, label).to.deep.equal(expected);
    }
  });

  it("should emit 'lookup' for a name the runtime resolves (no options.lookup), with node:net's arguments, and none for an IP literal", async () => {
    for (const host of ['localhost', '127.0.0.1']) {
      const [expected, actual] = await both({ host });
      expect(expected.some((e) => (e as unknown[])[0] === 'lookup'), `node:net, ${host}`).to.equal(host === 'localhost');
      expect(actual, host).to.deep.equal(expected);
    }
    // An IP literal is dialled as is: a lookup given is not called (nor checked), as node:net.
    const [expected, actual] = await both({ host: '127.0.0.1' }, () => { throw new Error('called'); });
    expect(actual).to.deep.equal(expected);
    expect(actual).to.deep.equal([['asked'], ['connect', '127.0.0.1'], ['close', false]]);
  });

  it("should emit a lookup's error with 'lookup', then destroy the socket with that very error, as node:net", async () => {
    const failing = (_o: unknown, cb: Callback): void => cb(Object.assign(new Error('no such alias'), { code: 'ENOTFOUND' }));
    for (const options of [{}, { autoSelectFamily: false }, { family: 6 }]) {
      const [expected, actual] = await both({ host: 'my.alias', ...options }, failing);
      expect(expected).to.deep.include.members([['error', 'Error ENOTFOUND no such alias']]);
      expect(actual, JSON.stringify(options)).to.deep.equal(expected);
    }
    // Answers node:net cannot dial: not an IP, a family other than 4 or 6.
    for (const answer of [each([{ address: 'nowhere', family: 4 }]), each([{ address: '127.0.0.1', family: 5 }])]) {
      const [expected, actual] = await both({ host: 'my.alias' }, answer);
      expect(actual).to.deep.equal(expected);
    }
    // Every address refused: node:net's AggregateError, with the first one's code.
    const [expected, actual] = await both({ host: 'my.alias' }, each([{ address: '127.0.0.2', family: 4 }, { address: '127.0.0.3', family: 4 }]));
    expect(expected).to.deep.include.members([['error', 'AggregateError ECONNREFUSED ']]);
    expect(actual).to.deep.equal(expected);
  });

  it('should reject an options.lookup that is not a function as node:net does (TypeError ERR_INVALID_ARG_TYPE)', () => {
    const thrown = (f: () => unknown): unknown => {
      try {
        f();
      } catch (error) {
        return [(error as Error).constructor.name, (error as { code?: string }).code, (error as Error).message];
      }
      return 'no throw';
    };
    for (const lookup of ['bad', 42, {}]) {
      const expected = thrown(() => new net.Socket().connect({ host: 'my.alias', port, lookup: lookup as never }));
      expect(expected).to.not.equal('no throw');
      expect(thrown(() => createSocket(rt.reactor).connect({ host: 'my.alias', port, lookup }))).to.deep.equal(expected);
    }
  });

  it('should not dial once destroyed while its lookup is pending (and emit what node:net emits then)', async () => {
    for (const options of [{}, { autoSelectFamily: false }]) {
      const logs: unknown[][] = [];
      for (const make of [() => new net.Socket(), () => createSocket(rt.reactor)]) {
        let later: Callback | undefined;
        const socket: AnySocket = make();
        const log: unknown[] = [];
        socket.on('lookup', (...args: unknown[]) => log.push(['lookup', ...args]));
        socket.on('connect', () => log.push('connect'));
        (socket as net.Socket).connect({ host: 'my.alias', port, ...options, lookup: ((_h: string, o: { all?: boolean }, cb: Callback) => { later = (e) => (o.all ? cb(e, [{ address: '127.0.0.1', family: 4 }]) : cb(e, '127.0.0.1', 4)); }) as never });
        socket.destroy();
        await new Promise((resolve) => socket.once('close', resolve));
        expect(later, 'the lookup was called').to.be.a('function');
        later!(null);
        await new Promise((resolve) => setTimeout(resolve, 50));
        logs.push([...log, socket.connecting, socket.destroyed]);
      }
      expect(logs[1], JSON.stringify(options)).to.deep.equal(logs[0]);
      expect(logs[1]).to.not.include('connect');
    }
  });
});

describe("NodeSocket: host names and 'lookup' on a Simulation", () => {
  /** Host 'client' dials host 'server' by name (the runtime's lookup) and by an alias (a custom lookup over the runtime's). */
  async function scenario(seed: number): Promise<{ log: unknown[]; times: number[]; hash: string }> {
    const sim = new Simulation({ seed, latency: { min: 1, max: 5 } });
    const [serverHost, client] = [sim.host('server'), sim.host('client')];
    const log: unknown[] = [];
    const times: number[] = []; // (virtual) when each 'lookup' and 'connect' came
    const listener = await serverHost.reactor.net.listen({ host: '0.0.0.0', port: 80 });
    void (async () => { for (let conn = await listener.accept(); conn; conn = await listener.accept()) void conn.close(); })().catch(() => undefined);
    await client.run(async () => {
      const alias: NonNullable<ConnectTarget['lookup']> = (host, options, cb) => {
        log.push(['asked', host, options]);
        void client.reactor.net.lookup('server').then((ips) => cb(null, ips.map((address) => ({ address, family: 4 }))));
      };
      for (const options of [{ host: 'server', port: 80 }, { host: 'db.internal', port: 80, lookup: alias }, { host: 'nowhere', port: 80 }]) {
        const socket = createConnection(client.reactor, options);
        socket.on('lookup', (error: Error | null, address: string, family: number, host: string) => {
          log.push(['lookup', error?.message ?? null, address, family, host]);
          times.push(client.reactor.clock.now());
        });
        socket.on('connect', () => {
          log.push(['connect', socket.remoteAddress, socket.remotePort]);
          times.push(client.reactor.clock.now());
          socket.destroy();
        });
        socket.on('error', (error: NodeJS.ErrnoException) => log.push(['error', error.code, error.message]));
        await new Promise((resolve) => socket.once('close', resolve));
      }
    });
    await listener.close();
    const hash = sim.traceHash();
    await sim.shutdown();
    return { log, times, hash };
  }

  it('should resolve through the simulated network (and a custom lookup), emit node:net\'s \'lookup\', and replay the same trace from the same seed', async () => {
    const first = await scenario(11);
    const second = await scenario(11);
    expect(second).to.deep.equal(first);
    const ip = (first.log.find((e) => (e as unknown[])[0] === 'lookup') as unknown[])[2] as string;
    expect(ip).to.match(/^10\.0\.\d+\.\d+$/);
    expect(first.log).to.deep.equal([
      ['lookup', null, ip, 4, 'server'],
      ['connect', ip, 80],
      ['asked', 'db.internal', { family: undefined, hints: dns.ADDRCONFIG, all: true }],
      ['lookup', null, ip, 4, 'db.internal'],
      ['connect', ip, 80],
      ['lookup', 'getaddrinfo ENOTFOUND nowhere', undefined, undefined, 'nowhere'],
      ['error', 'ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere'],
    ]);
  });

  it("should let undici's connect: { lookup } and http's lookup option reach an alias inside withNodeApis on a simulated host, the same way twice", async () => {
    const report = await Simulation.checkDeterminism(async (sim) => {
      const [server, client] = [sim.host('server'), sim.host('client')];
      void withNodeApis(server, () => http.createServer((req, res) => res.end(`hello ${req.url}`)).listen(80));
      return withNodeApis(client, () => client.run(async () => {
        const seen: string[] = [];
        // A DNS cache's shape: the alias answered from the runtime's own lookup (dns.lookup, simulated inside the scope).
        const lookup = (host: string, options: dns.LookupOptions, cb: (...args: unknown[]) => void): void => {
          seen.push(`${host} all=${String(options.all)}`);
          dns.lookup(host === 'api.internal' ? 'server' : host, options, cb as never);
        };
        const agent = new Agent({ connect: { lookup } as never });
        const viaUndici = await (await request('http://api.internal/u', { dispatcher: agent })).body.text();
        await agent.close();
        const viaHttp = await new Promise<string>((resolve, reject) => {
          http.get({ host: 'api.internal', path: '/h', lookup: lookup as never, agent: false }, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => resolve(body));
          }).on('error', reject);
        });
        return { viaUndici, viaHttp, seen };
      }));
    }, { seed: 5, runs: 2 });
    expect(report.result).to.deep.equal({ viaUndici: 'hello /u', viaHttp: 'hello /h', seen: ['api.internal all=true', 'api.internal all=true'] });
  });
});
