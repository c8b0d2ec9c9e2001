// Errors as node:net reports them: the contract's NetError with Node's code, errno, syscall, address and port, and Node's ERR_* codes.
import { constants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { NetError, RuntimeError, type SocketAddress } from '@runtime-traits/core';

/** Node's negative errno for a code (`-111` for ECONNREFUSED on Linux), or undefined for a code the platform does not know. */
function errnoOf(code: string): number | undefined {
  const n = (constants.errno as Record<string, number | undefined>)[code];
  return n === undefined ? undefined : -n;
}

/**
 * `error` (from a Connection or a Net) as node:net would report it from `syscall`: a NetError whose
 * message reads like Node's ("connect ECONNREFUSED 127.0.0.1:9"), with `errno`, `syscall` and, for
 * connects, `address` and `port`. Errors of the runtime's own (cancelled, shut down) pass unchanged;
 * anything without a code becomes `fallback`.
 */
export function nodeError(error: unknown, syscall: string, fallback: string, to?: SocketAddress): Error {
  if (RuntimeError.is(error) && !NetError.is(error)) return error as Error;
  const raw = (error as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? raw : fallback;
  // A name that did not resolve fails in the lookup before any connect, as Node reports it.
  if (code === 'ENOTFOUND' || code.startsWith('EAI_')) return lookupError(to && 'host' in to ? to.host : '', code, error);
  const errno = errnoOf(code);
  let where = '';
  if (to) where = 'path' in to ? ` ${to.path}` : ` ${to.host}:${to.port}`;
  // listen's message carries the system's text ("listen EADDRINUSE: address already in use 127.0.0.1:80").
  const text = syscall === 'listen' && errno !== undefined ? getSystemErrorMap().get(errno)?.[1] : undefined;
  const result = new NetError(code, `${syscall} ${code}${text ? `: ${text}` : ''}${where}`, { cause: error, syscall });
  if (errno !== undefined) Object.assign(result, { errno });
  if (to && 'port' in to) Object.assign(result, { address: to.host, port: to.port });
  else if (to) Object.assign(result, syscall === 'listen' ? { address: to.path, port: -1 } : { address: to.path });
  return result;
}

/** libuv's errno for a failed getaddrinfo (EAI_NONAME and EAI_NODATA are Node's ENOTFOUND). */
const LOOKUP_ERRNO: Record<string, number> = { ENOTFOUND: -3008, EAI_AGAIN: -3001, EAI_FAIL: -3002 };

/** A failed lookup of `hostname` as Node reports it: `getaddrinfo ENOTFOUND <hostname>`, with `hostname`, no address or port. */
export function lookupError(hostname: string, code: string, cause?: unknown): Error {
  const error = new NetError(code, `getaddrinfo ${code}${hostname ? ` ${hostname}` : ''}`, { cause, syscall: 'getaddrinfo' });
  return Object.assign(error, { errno: LOOKUP_ERRNO[code], hostname });
}

/** How Node's ERR_INVALID_ARG_TYPE names what it received: `type string ('bad')`, `null`, `an instance of Map`… */
export function receivedText(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'bigint': return `type bigint (${value}n)`;
    case 'number': return `type number (${Object.is(value, -0) ? '-0' : String(value)})`;
    case 'boolean': return `type boolean (${value})`;
    case 'symbol': return `type symbol (${String(value)})`;
    case 'function': return `function ${value.name}`;
    case 'string': {
      const text = value.length > 28 ? `${value.slice(0, 25)}...` : value;
      return text.includes("'") ? `type string (${JSON.stringify(text)})` : `type string ('${text}')`;
    }
    default: {
      const ctor = (value as { constructor?: { name?: unknown } }).constructor;
      return ctor && typeof ctor.name === 'string' ? `an instance of ${ctor.name}` : Object.prototype.toString.call(value);
    }
  }
}

/** Node's ERR_INVALID_ARG_TYPE: `The "options.signal" property must be an instance of AbortSignal. Received type number (1)`. */
export function invalidArgType(name: string, expected: string, value: unknown): TypeError {
  return codedError('ERR_INVALID_ARG_TYPE', `The "${name}" ${name.includes('.') ? 'property' : 'argument'} must be ${expected}. Received ${receivedText(value)}`, TypeError) as TypeError;
}

/** Node's validateFunction for a callback: ERR_INVALID_ARG_TYPE naming "callback". */
export function checkCallback(callback: unknown): asserts callback is (...args: never[]) => unknown {
  if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
}

/** An error with one of Node's own ERR_* codes (Node's internal errors are plain Errors with a code). */
export function codedError(code: string, message: string, Type: ErrorConstructor = Error): Error {
  const error = new Type(message) as Error & { code: string };
  error.code = code;
  return error;
}

export const socketClosed = (): Error => codedError('ERR_SOCKET_CLOSED', 'Socket is closed');
export const closedBeforeConnection = (): Error =>
  codedError('ERR_SOCKET_CLOSED_BEFORE_CONNECTION', 'Socket closed before the connection was established');
