// How node:net resolves a host name before it connects (its lookupAndConnect): which lookup it calls,
// with which options, and which answers it dials in which order.
//
// WHY mirror it rather than let the runtime's connect resolve the name: code hands node:net a `lookup`
// (cacheable-lookup, undici's `connect: { lookup }`, a test's fixed answer) and listens for 'lookup';
// both only work if the socket itself resolves. The options object is node:net's own: `{ family, hints }`,
// `hints` ADDRCONFIG when neither is set (not on Windows), and `all: true` when node:net would pick a
// family itself (autoSelectFamily, on by default since Node 20) — then the lookup answers with a list.
import dns from 'node:dns';
import net, { isIP } from 'node:net';
import { codedError, invalidArgType } from './node-errors.js';

/** What node:net hands a lookup: the family asked (4, 6, or as given), the getaddrinfo hints, and `all` for a list. */
export interface DnsOptions {
  family: unknown;
  hints: unknown;
  all?: true;
}

/** A lookup as node:net calls it (dns.lookup's shape): answers `(err, address, family)`, or `(err, [{ address, family }])` when asked with `all`. */
export type LookupFunction = (hostname: string, options: DnsOptions, callback: (error: unknown, address?: unknown, family?: unknown) => void) => void;

/** One address of an answer. */
export interface Found {
  address: string;
  family: number;
}

/** How to resolve `host`: the caller's lookup (undefined: the runtime's), asked with `options`. */
export interface LookupPlan {
  host: string;
  lookup: LookupFunction | undefined;
  options: DnsOptions;
}

/**
 * node:net's plan for a TCP connect's host: undefined for an IP literal (dialled as is, no 'lookup';
 * node:net does not check `lookup` then either). A `lookup` that is neither a function nor null/undefined,
 * or an `autoSelectFamily` that is not a boolean, throws node:net's ERR_INVALID_ARG_TYPE.
 */
export function lookupPlan(options: Record<string, unknown>, host: string): LookupPlan | undefined {
  let autoSelectFamily = options.autoSelectFamily;
  if (autoSelectFamily === undefined || autoSelectFamily === null) autoSelectFamily = net.getDefaultAutoSelectFamily();
  else if (typeof autoSelectFamily !== 'boolean') throw invalidArgType('options.autoSelectFamily', 'of type boolean', autoSelectFamily);
  if (isIP(host)) return undefined;
  const lookup = options.lookup;
  if (lookup !== undefined && lookup !== null && typeof lookup !== 'function') throw invalidArgType('options.lookup', 'of type function', lookup);
  const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
  const dnsOptions: DnsOptions = { family, hints: options.hints || 0 };
  const anyFamily = family !== 4 && family !== 6;
  if (anyFamily && dnsOptions.hints === 0 && process.platform !== 'win32') dnsOptions.hints = dns.ADDRCONFIG;
  if (anyFamily && !options.localAddress && autoSelectFamily) dnsOptions.all = true;
  return { host, lookup: (lookup ?? undefined) as LookupFunction | undefined, options: dnsOptions };
}

/**
 * The runtime's answer (`Net#lookup`'s addresses) in dns.lookup's shape for `family` (4, 6, or any).
 * Empty when no address is of that family.
 */
export function ofFamily(addresses: readonly string[], family: unknown): Found[] {
  const found: Found[] = [];
  for (const address of addresses) {
    const f = isIP(address);
    if (f !== 0 && (family === f || (family !== 4 && family !== 6))) found.push({ address, family: f });
  }
  return found;
}

/**
 * The addresses to dial, in node:net's autoSelectFamily order: valid ones only (an IP, family 4 or 6),
 * each once, families alternating with the first valid one's family first. None valid: node:net's error
 * for the first entry (ERR_INVALID_IP_ADDRESS, or ERR_INVALID_ADDRESS_FAMILY naming the host and port).
 */
export function dialOrder(found: readonly Found[], host: string, port: unknown): Found[] | Error {
  const preferred: Found[] = [];
  const other: Found[] = [];
  let first = 0;
  for (const entry of found) {
    const { address, family } = entry;
    if (!isIP(address) || (family !== 4 && family !== 6)) continue;
    first ||= family;
    const list = family === first ? preferred : other;
    if (!list.some((f) => f.address === address)) list.push(entry);
  }
  if (preferred.length === 0) {
    const { address, family } = found[0] ?? { address: undefined, family: undefined };
    return isIP(String(address))
      ? codedError('ERR_INVALID_ADDRESS_FAMILY', `Invalid address family: ${String(family)} ${host}:${String(port)}`, RangeError)
      : codedError('ERR_INVALID_IP_ADDRESS', `Invalid IP address: ${String(address)}`, TypeError);
  }
  const order: Found[] = [];
  for (let i = 0; i < preferred.length || i < other.length; i++) {
    if (i < preferred.length) order.push(preferred[i]!);
    if (i < other.length) order.push(other[i]!);
  }
  return order;
}

/** node:net's error when every address failed: an AggregateError of them, with the first one's code. */
export function allFailed(errors: Error[]): Error {
  return Object.assign(new AggregateError(errors, ''), { code: (errors[0] as { code?: unknown }).code });
}
