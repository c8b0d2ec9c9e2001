// fast-check arbitraries for hostile arguments: wrong types, edge numbers, proxies, throwing getters, fakes.
import fc from 'fast-check';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

class Boom extends Error {
  constructor(what: string) {
    super(`hostile ${what} was touched`);
    this.name = 'Boom';
  }
}

/** A proxy whose every trap throws: reading, testing, listing or even asking its prototype fails. */
function trappedProxy(): object {
  const trap = (what: string) => () => { throw new Boom(`proxy ${what}`); };
  return new Proxy({}, {
    get: trap('get'), has: trap('has'), ownKeys: trap('ownKeys'), getPrototypeOf: trap('getPrototypeOf'),
    getOwnPropertyDescriptor: trap('getOwnPropertyDescriptor'), set: trap('set'), defineProperty: trap('defineProperty'),
  });
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** An object whose `key` is a getter that throws. */
function throwingGetter(key: string): object {
  return Object.defineProperty({}, key, { enumerable: true, get() { throw new Boom(`getter ${key}`); } });
}

/** An object that cannot be turned into a string or a number. */
function unprintable(): object {
  const fail = () => { throw new Boom('conversion'); };
  return { toString: fail, valueOf: fail, [Symbol.toPrimitive]: fail };
}

class Custom {
  readonly x = 1;
}

/** A hostile value, made fresh for each call; fast-check prints its label, never touching the value's traps. */
export class Hostile {
  constructor(readonly label: string, private readonly build: () => unknown) {}

  make(): unknown {
    return this.build();
  }

  [fc.toStringMethod](): string {
    return this.label;
  }
}

const plain = (value: unknown): Hostile => new Hostile(fc.stringify(value), () => value);
const made = (label: string, build: () => unknown): fc.Arbitrary<Hostile> => fc.constant(new Hostile(label, build));

/** The option names the runtimes read: hostile objects carry these keys so the per-field checks are reached. */
export const OPTION_KEYS = [
  'signal', 'name', 'transfer', 'graceMs', 'noDelay', 'tls', 'backlog', 'reusePort', 'host', 'port', 'path',
  'onUnhandledError', 'workers', 'blockingThreads', 'blockingIdleMs', 'queueCapacity', 'spinCount', 'seed',
  'latency', 'lossRate', 'tcpWindow', 'maxTime', 'reactor', 'resourceLimits', 'ca', 'servername', 'alpn',
] as const;

/** One hostile value, not structured: anything a caller might pass by mistake, or on purpose. */
export const hostileLeaf: fc.Arbitrary<Hostile> = fc.oneof(
  fc.constantFrom<unknown>(undefined, null, NaN, Infinity, -Infinity, -0, -1, 0.5, -1e-9, 1e308, 2 ** 31, 2 ** 53 + 2, 65536, '', ' ', '0', true, false).map(plain),
  fc.double().map(plain),
  fc.integer().map(plain),
  fc.bigInt().map(plain),
  fc.string({ maxLength: 12 }).map(plain),
  fc.array(fc.integer(), { maxLength: 3 }).map((a) => new Hostile(fc.stringify(a), () => [...a])),
  fc.object({ maxDepth: 1, maxKeys: 3 }).map((o) => new Hostile(fc.stringify(o), () => structuredClone(o))),
  made('Symbol(hostile)', () => Symbol('hostile')),
  made('() => "a function"', () => () => 'a function'),
  made('<proxy whose every trap throws>', trappedProxy),
  made('<revoked proxy>', revokedProxy),
  fc.constantFrom(...OPTION_KEYS).map((key) => new Hostile(`<object whose getter ${key} throws>`, () => throwingGetter(key))),
  made('<object that cannot become a string or number>', unprintable),
  made('Object.create(null)', () => Object.create(null) as object),
  made('new Custom()', () => new Custom()),
  made('{ aborted: "no", addEventListener: 1 }', () => ({ aborted: 'no', addEventListener: 1 })),
  made('AbortSignal.abort()', () => AbortSignal.abort(new Error('already aborted'))),
  made('new Map([[1, 2]])', () => new Map([[1, 2]])),
  made('new Date(NaN)', () => new Date(NaN)),
  made('new Uint8Array(3)', () => new Uint8Array(3)),
  made('a promise', () => Promise.resolve('a promise')),
);

/** An object of hostile fields, each named from `keys`. */
function objectOf(keys: fc.Arbitrary<string>, field: fc.Arbitrary<Hostile>): fc.Arbitrary<Hostile> {
  return fc.dictionary(keys, field, { minKeys: 1, maxKeys: 3 }).map((fields) => new Hostile(
    `{ ${Object.entries(fields).map(([k, h]) => `${k}: ${h.label}`).join(', ')} }`,
    () => Object.fromEntries(Object.entries(fields).map(([k, h]) => [k, h.make()])),
  ));
}

/** An options object whose known fields hold hostile values (so field checks are reached), or a hostile leaf. */
export const hostileOptions: fc.Arbitrary<Hostile> = fc.oneof(hostileLeaf, objectOf(fc.constantFrom(...OPTION_KEYS), hostileLeaf));

const notAString = hostileLeaf.filter((h) => typeof h.make() !== 'string');

/**
 * Hosts that never reach beyond this machine: wrong types, empty, loopback names. (A random string
 * would be looked up by DNS — network traffic the tests must not make.)
 */
const safeHost: fc.Arbitrary<Hostile> = fc.oneof(
  notAString,
  fc.constantFrom('', '127.0.0.1', '::1', 'localhost', '127.0.0.1 ', '999.1.1.1', '127.0.0.1:80').map(plain),
);

/** Ports: hostile numbers and types. */
const port: fc.Arbitrary<Hostile> = fc.oneof(hostileLeaf, fc.integer({ min: -2, max: 70_000 }).map(plain));

/** Unix paths: hostile types, or names in a scratch folder (never a socket of the system). */
const scratchPath: fc.Arbitrary<Hostile> = fc.oneof(
  notAString,
  fc.constant(plain('')),
  fc.stringMatching(/^[a-z]{1,8}$/).map((name) => plain(join(tmpdir(), `rt-fuzz-${process.pid}-${name}.sock`))),
);

/** Addresses to connect, listen or send to: shaped like an address but hostile inside, or not shaped at all. */
export const hostileAddress: fc.Arbitrary<Hostile> = fc.oneof(
  hostileLeaf.filter((h) => h.label.startsWith('<') || !h.label.startsWith('{')),
  fc.record({ host: safeHost, port }).map((f) => new Hostile(`{ host: ${f.host.label}, port: ${f.port.label} }`, () => ({ host: f.host.make(), port: f.port.make() }))),
  port.map((p) => new Hostile(`{ port: ${p.label} }`, () => ({ port: p.make() }))),
  scratchPath.map((p) => new Hostile(`{ path: ${p.label} }`, () => ({ path: p.make() }))),
);

/** Host names to look up: anything but a name that would need a DNS server. */
export const hostileHostname: fc.Arbitrary<Hostile> = safeHost;
