// dns.lookup inside a scope: the runtime's lookup, answered in Node's shapes (IP literals, the empty name, families, errors).
import { expect } from 'chai';
import dns from 'node:dns';
import { NodeRuntime } from '@runtime-traits/node';
import { Simulation } from '@runtime-traits/local';
import { withNodeApis } from '../../src/index.js';
import { failuresHereAndIn } from './helpers.js';

/** What node:dns answers to the cases a library meets: callback and promise forms, literals, the empty name, `all`. */
async function answers(): Promise<unknown[]> {
  const callback = (name: string, options: dns.LookupOptions) => new Promise((resolve) => {
    dns.lookup(name, options, (error, address, family) => resolve(error ? `${error.code} ${(error as { syscall?: string }).syscall}` : [address, family]));
  });
  const promised = (name: string, options: dns.LookupOptions) => dns.promises.lookup(name, options).then((a) => a, (e: NodeJS.ErrnoException) => e.code);
  return [
    await callback('127.0.0.1', { family: 6 }), // a literal is itself, whatever the family
    await callback('::1', { family: 4 }),
    await callback('', {}), // no address, no error
    await callback('', { family: 6 }),
    await callback('', { all: true }),
    await callback(null as never, {}), // any falsy name: no address either
    await promised('127.0.0.1', { family: 6 }),
    await promised('', {}),
    await promised('::1', { all: true }),
  ];
}

describe('withNodeApis: dns.lookup', () => {
  it('should refuse bad arguments as node:dns does: same class, code and message', async () => {
    const rt = await NodeRuntime.create();
    try {
      const { node, scope } = await failuresHereAndIn(rt, {
        'family 5': () => dns.lookup('localhost', { family: 5 }, () => undefined),
        'family 5 as a number': () => dns.lookup('localhost', 5 as never, () => undefined),
        'hostname 42': () => dns.lookup(42 as never, () => undefined),
        'no callback': () => dns.lookup('localhost', {} as never),
        'hostname 5, options "x"': () => dns.lookup(5 as never, 'x' as never),
        'options "str" with a callback': () => dns.lookup('a', 'str' as never, () => undefined),
        'options "str" alone': () => dns.lookup('a', 'str' as never),
        'family 5, no callback': () => dns.lookup('a', 5 as never),
        'promises: options "str"': () => dns.promises.lookup('a', 'str' as never),
      });
      expect(scope).to.deep.equal(node);
    } finally {
      await rt.shutdown();
    }
  });

  it('should answer IP literals and the empty name as node:dns does, on the node runtime and a simulated host', async () => {
    const expected = await answers();
    expect(expected[0]).to.deep.equal(['127.0.0.1', 4]);
    const rt = await NodeRuntime.create();
    try {
      expect(await withNodeApis(rt, answers)).to.deep.equal(expected);
    } finally {
      await rt.shutdown();
    }
    const sim = new Simulation({ seed: 1 });
    const host = sim.host('a');
    try {
      expect(await withNodeApis(host, () => host.run(answers))).to.deep.equal(expected);
    } finally {
      await sim.shutdown();
    }
  });

  it('should resolve a simulated host\'s name to its address, and fail an unknown one with ENOTFOUND from getaddrinfo', async () => {
    const sim = new Simulation({ seed: 1 });
    const a = sim.host('a');
    sim.host('b');
    try {
      const seen = await withNodeApis(a, () => a.run(async () => [
        await dns.promises.lookup('b'),
        await dns.promises.lookup('nowhere').catch((e: NodeJS.ErrnoException & { hostname?: string }) => [e.code, e.syscall, e.errno, e.hostname, e.message]),
      ]));
      expect((seen[0] as { family: number }).family).to.equal(4);
      expect(seen[1]).to.deep.equal(['ENOTFOUND', 'getaddrinfo', -3008, 'nowhere', 'getaddrinfo ENOTFOUND nowhere']);
    } finally {
      await sim.shutdown();
    }
  });
});
