// Checks of the contract's TLS options, shared so a bad option is the same TypeError on every runtime (with net.tls or not).
import type { TlsClientOptions, TlsServerOptions } from '../reactor.js';
import { checkOptions, show } from './checks.js';

function pem(value: unknown, arg: string, required = false): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new TypeError(`${arg} must be a PEM string or a Uint8Array, got ${show(value)}`);
  }
}

function alpn(value: unknown, arg: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string' && p !== '')) {
    throw new TypeError(`${arg} must be an array of protocol names, got ${show(value)}`);
  }
}

function flag(value: unknown, arg: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${arg} must be a boolean, got ${show(value)}`);
}

/** `opts.tls` of connect(): a copy of the options, each field checked. */
export function checkTlsClientOptions(value: unknown, arg = 'opts.tls'): TlsClientOptions {
  const opts = checkOptions<TlsClientOptions>(value, arg);
  if (opts === undefined) throw new TypeError(`${arg} must be an options object, got undefined`);
  pem(opts.ca, `${arg}.ca`);
  if (opts.servername !== undefined && (typeof opts.servername !== 'string' || opts.servername === '')) {
    throw new TypeError(`${arg}.servername must be a non-empty string, got ${show(opts.servername)}`);
  }
  flag(opts.rejectUnauthorized, `${arg}.rejectUnauthorized`);
  alpn(opts.alpn, `${arg}.alpn`);
  return opts;
}

/** `opts.tls` of listen(): a copy of the options, each field checked; `key` and `cert` are required. */
export function checkTlsServerOptions(value: unknown, arg = 'opts.tls'): TlsServerOptions {
  const opts = checkOptions<TlsServerOptions>(value, arg);
  if (opts === undefined) throw new TypeError(`${arg} must be an options object, got undefined`);
  pem(opts.key, `${arg}.key`, true);
  pem(opts.cert, `${arg}.cert`, true);
  pem(opts.ca, `${arg}.ca`);
  flag(opts.requestCert, `${arg}.requestCert`);
  alpn(opts.alpn, `${arg}.alpn`);
  return opts;
}
