// Maps the contract's TlsClientOptions/TlsServerOptions onto node:tls options, checking them on the way.
import { isIP } from 'node:net';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import type { TlsClientOptions, TlsServerOptions } from '@runtime-traits/core';
import { checkOptions, show } from '@runtime-traits/core/kit';

function pem(value: unknown, arg: string): string | Buffer | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${arg} must be a PEM string or a Uint8Array, got ${show(value)}`);
}

function alpn(value: unknown, arg: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((p) => typeof p === 'string' && p !== '')) {
    throw new TypeError(`${arg} must be an array of protocol names, got ${show(value)}`);
  }
  return value;
}

function flag(value: unknown, arg: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new TypeError(`${arg} must be a boolean, got ${show(value)}`);
}

/** node:tls connect options for a client of `host`; certificates are verified unless told otherwise. */
export function tlsClientOptions(value: unknown, host: string | undefined): ConnectionOptions {
  const opts = checkOptions<TlsClientOptions>(value, 'opts.tls')!;
  if (opts.servername !== undefined && (typeof opts.servername !== 'string' || opts.servername === '')) {
    throw new TypeError(`opts.tls.servername must be a non-empty string, got ${show(opts.servername)}`);
  }
  const servername = opts.servername ?? (host !== undefined && isIP(host) === 0 ? host : undefined);
  return {
    ca: pem(opts.ca, 'opts.tls.ca'),
    servername,
    rejectUnauthorized: flag(opts.rejectUnauthorized, 'opts.tls.rejectUnauthorized') ?? true,
    ALPNProtocols: alpn(opts.alpn, 'opts.tls.alpn'),
  };
}

/** node:tls server options; with requestCert, clients without a certificate signed by `ca` are refused. */
export function tlsServerOptions(value: unknown): TlsOptions {
  const opts = checkOptions<TlsServerOptions>(value, 'opts.tls')!;
  const key = pem(opts.key, 'opts.tls.key');
  const cert = pem(opts.cert, 'opts.tls.cert');
  if (key === undefined) throw new TypeError('opts.tls.key must be a PEM string or a Uint8Array, got undefined');
  if (cert === undefined) throw new TypeError('opts.tls.cert must be a PEM string or a Uint8Array, got undefined');
  const requestCert = flag(opts.requestCert, 'opts.tls.requestCert') ?? false;
  return {
    key,
    cert,
    ca: pem(opts.ca, 'opts.tls.ca'),
    requestCert,
    rejectUnauthorized: requestCert,
    ALPNProtocols: alpn(opts.alpn, 'opts.tls.alpn'),
  };
}
