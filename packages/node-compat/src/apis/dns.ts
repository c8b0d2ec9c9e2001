// node:dns inside a scope: lookup (callback and promises) asks the runtime's Net; on a simulated host the rest of dns is refused.
//
// dns.lookup(hostname, [options], callback) and dns.promises.lookup(hostname, [options]) resolve through
// `runtime.reactor.net.lookup` (a Simulation's host names, localhost and IP literals; the node runtime's
// getaddrinfo), honouring `family` and `all`; a name that does not resolve fails as Node's does
// (ENOTFOUND, syscall getaddrinfo, hostname). The other resolvers (resolve*, reverse, lookupService)
// would query the real DNS: on a simulated host they throw UnsupportedError; elsewhere they are Node's.
import dns from 'node:dns';
import { isIP } from 'node:net';
import { inspect, promisify } from 'node:util';
import { UnsupportedError } from '@runtime-traits/core';
import { Scope } from '../scope/scope.js';
import { checkCallback, codedError, invalidArgType, lookupError } from '../internal/node-errors.js';
import { callSite } from './call-site.js';
import type { PatchSet } from './patch-set.js';

type Fn = (...args: unknown[]) => unknown;
interface Found { address: string; family: number }
interface LookupOptions { family?: number | string; all?: boolean }

const real = {
  lookup: dns.lookup as Fn,
  promisesLookup: dns.promises.lookup as Fn,
};

function familyOf(options: unknown): number {
  const family = typeof options === 'number' ? options : (options as LookupOptions | undefined)?.family;
  if (family === 'IPv4') return 4;
  if (family === 'IPv6') return 6;
  if (family === undefined || family === null || family === 0 || family === 4 || family === 6) return (family as number | undefined) ?? 0;
  const where = typeof options === 'number' ? "argument 'family'" : "property 'options.family'";
  throw codedError('ERR_INVALID_ARG_VALUE', `The ${where} must be one of: 0, 4, 6. Received ${inspect(family)}`, TypeError);
}

/**
 * The addresses of `hostname` for `family` (0: any), in the runtime's order. As Node's: an IP
 * literal is itself, whatever the family asked; the empty name has no address (and no error).
 */
async function resolve(scope: Scope, hostname: string, family: number): Promise<Found[]> {
  if (hostname === '') return [];
  const literal = isIP(hostname);
  if (literal) return [{ address: hostname, family: literal }];
  let addresses: string[];
  try {
    addresses = await scope.reactor.net.lookup(hostname);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw lookupError(hostname, typeof code === 'string' ? code : 'ENOTFOUND', error);
  }
  const found = addresses.map((address) => ({ address, family: isIP(address) || 4 }));
  const wanted = family === 0 ? found : found.filter((f) => f.family === family);
  if (wanted.length === 0) throw lookupError(hostname, 'ENOTFOUND');
  return wanted;
}

/** The one answer of a lookup without `all`: the first address, or for the empty name Node's `null` (family 4 unless 6 was asked). */
function firstOf(found: Found[], family: number): { address: string | null; family: number } {
  return found[0] ?? { address: null, family: family === 6 ? 6 : 4 };
}

/** The name to look up, as Node reads it: a string, or any falsy value as "no name" (answered with no address). */
function checkHostname(hostname: unknown): string {
  if (!hostname) return '';
  if (typeof hostname !== 'string') throw invalidArgType('hostname', 'of type string', hostname);
  return hostname;
}

/** Options that are neither a family number nor an object (nor absent): Node's error for them. */
function checkOptionsType(options: unknown): void {
  if (options !== undefined && typeof options !== 'number' && typeof options !== 'object') throw invalidArgType('options', 'of type object or integer', options);
}

function lookup(hostname: unknown, options: unknown, callback?: unknown): unknown {
  const scope = Scope.active();
  if (scope === undefined) return real.lookup(hostname, options, callback);
  // In Node's order: the name, then the callback, then the options.
  const name = checkHostname(hostname);
  let cb: Fn;
  let opts: unknown;
  if (typeof options === 'function') cb = options as Fn;
  else if (options === undefined || typeof options === 'number' || typeof options === 'object') {
    checkCallback(callback);
    cb = callback as Fn;
    opts = options;
  } else {
    checkCallback(arguments.length === 2 ? options : callback);
    checkOptionsType(options); // (throws: options of any other type)
  }
  const family = familyOf(opts);
  const all = (opts as LookupOptions | undefined)?.all === true;
  resolve(scope, name, family).then(
    (found) => {
      if (scope.frozen) return;
      const first = firstOf(found, family);
      if (all) cb(null, found);
      else cb(null, first.address, first.family);
    },
    (error: unknown) => { if (!scope.frozen) cb(error); },
  );
  return {};
}

function promisesLookup(hostname: unknown, options?: unknown): Promise<unknown> {
  const scope = Scope.active();
  if (scope === undefined) return real.promisesLookup(hostname, options) as Promise<unknown>;
  const name = checkHostname(hostname);
  checkOptionsType(options);
  const family = familyOf(options);
  const all = (options as LookupOptions | undefined)?.all === true;
  return new Promise((resolvePromise, reject) => {
    resolve(scope, name, family).then(
      (found) => { if (!scope.frozen) resolvePromise(all ? found : firstOf(found, family)); },
      (error: unknown) => { if (!scope.frozen) reject(error); },
    );
  });
}

/** A resolver that would ask the real DNS: refused on a simulated host. */
function guarded(name: string, fn: Fn): Fn {
  return function guardedResolver(this: unknown, ...args: unknown[]): unknown {
    const scope = Scope.active();
    if (scope?.closedWorld) {
      throw new UnsupportedError('net.simulated', `dns.${name} inside simulated host ${scope.name} would query the real DNS; only dns.lookup is simulated (at ${callSite()})`);
    }
    return fn.apply(this, args);
  };
}

// util.promisify(dns.lookup) resolves { address, family }, as Node's own does.
Object.defineProperty(lookup, promisify.custom, { value: (hostname: unknown, options?: unknown) => promisesLookup(hostname, options), enumerable: false });

/** Patches node:dns and dns.promises. */
export function installDns(patches: PatchSet): void {
  patches.set(dns, 'lookup', lookup);
  patches.set(dns.promises, 'lookup', promisesLookup);
  for (const target of [dns, dns.promises] as Array<Record<string, unknown>>) {
    for (const name of Object.keys(target)) {
      if ((name.startsWith('resolve') || name === 'reverse' || name === 'lookupService') && typeof target[name] === 'function') {
        patches.set(target, name, guarded(name, target[name] as Fn));
      }
    }
  }
}
