// The argument forms node:net accepts for connect() and listen(), normalised and checked with the contract's TypeError/RangeError.
import type { ListenAddress, SocketAddress } from '@runtime-traits/core';
import { checkCount, checkFunction, DEFAULT_HOST, show } from '@runtime-traits/core/kit';

type Callback = () => void;

/** A port as node:net takes it: a whole number 0..65535, or a string of one ("8080", as undici passes it). */
export function checkNodePort(value: unknown, arg: string): number {
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw new TypeError(`${arg} must be a number or a numeric string, got ${show(value)}`);
  }
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new RangeError(`${arg} must be an integer from 0 to 65535, got ${show(value)}`);
  }
  return n;
}

function checkPath(value: unknown, arg: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${arg} must be a non-empty string, got ${show(value)}`);
  return value;
}

/** A string that is not a number is a Unix socket path (node:net's own rule). */
function isPathArg(value: unknown): value is string {
  return typeof value === 'string' && !(Number(value) >= 0);
}

/** `connect(options, cb?)`, `connect(path, cb?)`, `connect(port, host?, cb?)` → options and callback. */
export function normalizeConnectArgs(args: readonly unknown[]): { options: Record<string, unknown>; cb: Callback | undefined } {
  const first = args[0];
  let options: Record<string, unknown>;
  if (typeof first === 'object' && first !== null) options = first as Record<string, unknown>;
  else if (isPathArg(first)) options = { path: first };
  else {
    options = { port: first };
    if (typeof args[1] === 'string') options.host = args[1];
  }
  const last = args[args.length - 1];
  const cb = args.length > 1 && typeof last === 'function' ? last as Callback : undefined;
  if (typeof first === 'function') throw new TypeError(`options must be an object, a port or a path, got ${show(first)}`);
  return { options, cb };
}

/**
 * Where to connect. Unlike node:net, a TCP connect needs its host (node would quietly dial
 * 'localhost'): the address is the caller's decision, and a missing one is a bug worth a TypeError.
 */
export function checkConnectTarget(options: Record<string, unknown>, arg = 'options', defaultHost?: string): SocketAddress {
  if (options.path !== undefined && options.path !== null) return { path: checkPath(options.path, `${arg}.path`) };
  if (options.port === undefined) throw new TypeError(`${arg} must have a port (with a host) or a path`);
  const port = checkNodePort(options.port, `${arg}.port`);
  const host = options.host === undefined || options.host === null || options.host === '' ? defaultHost : options.host;
  if (typeof host !== 'string' || host === '') {
    throw new TypeError(`${arg}.host must be a non-empty string for a TCP connect, got ${show(host)}`);
  }
  return { host, port };
}

/**
 * node:net Server#listen's forms: `(port?, host?, backlog?, cb?)`, `(path, backlog?, cb?)`,
 * `({ port, host, path, backlog }, cb?)`, `(cb?)`. The host defaults to 127.0.0.1 (the contract's
 * default; node's is every interface, which withNodeApis asks for with `defaultHost`).
 */
export function normalizeListenArgs(args: readonly unknown[], defaultHost = DEFAULT_HOST): { at: ListenAddress; backlog: number | undefined; cb: Callback | undefined } {
  const last = args[args.length - 1];
  const cb = typeof last === 'function' ? last as Callback : undefined;
  if (cb) checkFunction(cb, 'callback');
  const rest = cb ? args.slice(0, -1) : args;
  const first = rest[0];
  let at: ListenAddress;
  let backlog: unknown;
  if (typeof first === 'object' && first !== null) {
    const o = first as Record<string, unknown>;
    if (o.path !== undefined) at = { path: checkPath(o.path, 'options.path') };
    else at = { host: o.host === undefined || o.host === null ? defaultHost : checkHostArg(o.host, 'options.host'), port: o.port === undefined ? 0 : checkNodePort(o.port, 'options.port') };
    backlog = o.backlog;
  } else if (isPathArg(first)) {
    at = { path: first };
    backlog = rest[1];
  } else {
    const port = first === undefined || first === null ? 0 : checkNodePort(first, 'port');
    const host = typeof rest[1] === 'string' ? checkHostArg(rest[1], 'host') : defaultHost;
    at = { host, port };
    backlog = typeof rest[1] === 'string' ? rest[2] : rest[1];
  }
  return { at, backlog: backlog === undefined || backlog === null ? undefined : checkCount(backlog, 'backlog', 0), cb };
}

function checkHostArg(value: unknown, arg: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${arg} must be a non-empty string, got ${show(value)}`);
  return value;
}

/** node:net's address() form of a TCP address; {} for none (or a Unix path). */
export function addressInfo(at: SocketAddress | undefined): { address: string; family: 'IPv4' | 'IPv6'; port: number } | Record<string, never> {
  if (!at || !('port' in at)) return {};
  return { address: at.host, family: familyOf(at.host), port: at.port };
}

export function familyOf(host: string): 'IPv4' | 'IPv6' {
  return host.includes(':') ? 'IPv6' : 'IPv4';
}
