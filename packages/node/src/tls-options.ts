// Maps the contract's TlsClientOptions/TlsServerOptions onto node:tls options, checking them on the way,
// and loads node:tls the first time a TLS socket or server is made.
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { checkTlsClientOptions, checkTlsServerOptions } from '@runtime-traits/core/kit';

let tlsModule: typeof import('node:tls') | undefined;

/**
 * node:tls, loaded on first use. Every thread that imports this package (each worksteal worker among
 * them) would otherwise load it at start, about 5 MiB of resident memory a thread, for servers and
 * clients that mostly never speak TLS.
 */
export function nodeTls(): typeof import('node:tls') {
  return (tlsModule ??= createRequire(import.meta.url)('node:tls') as typeof import('node:tls'));
}

function pem(value: string | Uint8Array | undefined): string | Buffer | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** node:tls connect options for a client of `host`; certificates are verified unless told otherwise. */
export function tlsClientOptions(value: unknown, host: string | undefined): ConnectionOptions {
  const opts = checkTlsClientOptions(value, 'opts.tls');
  const servername = opts.servername ?? (host !== undefined && isIP(host) === 0 ? host : undefined);
  return {
    ca: pem(opts.ca),
    servername,
    rejectUnauthorized: opts.rejectUnauthorized ?? true,
    ALPNProtocols: opts.alpn,
  };
}

/** node:tls server options; with requestCert, clients without a certificate signed by `ca` are refused. */
export function tlsServerOptions(value: unknown): TlsOptions {
  const opts = checkTlsServerOptions(value, 'opts.tls');
  const requestCert = opts.requestCert ?? false;
  return {
    key: pem(opts.key),
    cert: pem(opts.cert),
    ca: pem(opts.ca),
    requestCert,
    rejectUnauthorized: requestCert,
    ALPNProtocols: opts.alpn,
  };
}
