// Node's errno-style errors mapped onto the contract's NetError, keeping the original as `cause`.
import { NetError, RuntimeError } from '@runtime-traits/core';

/** Node error codes that mean "this side can no longer write". */
const WRITE_CLOSED = new Set(['ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ERR_SOCKET_CLOSED', 'EPIPE']);

/** OpenSSL's certificate-verification codes all end up as ERR_TLS_CERT. */
const TLS_CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ALTNAME/;

/** The NetError for a Node error: errno names pass through, stream/TLS codes are folded into the contract's names. */
export function toNetError(error: unknown, fallback = 'ECONNRESET'): Error {
  if (RuntimeError.is(error)) return error;
  const err = error as NodeJS.ErrnoException | undefined;
  const raw = typeof err?.code === 'string' ? err.code : undefined;
  const code = netCode(raw) ?? fallback;
  const message = err instanceof Error ? err.message : String(error);
  return new NetError(code, message, { cause: error, syscall: err?.syscall });
}

function netCode(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (WRITE_CLOSED.has(raw)) return 'EPIPE';
  if (TLS_CERT.test(raw)) return 'ERR_TLS_CERT';
  if (raw.startsWith('ERR_SSL_') || raw === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'EPROTO';
  return raw;
}

/** The error a write (or any use of the write side) gets once that side is closed. */
export function epipe(message = 'This connection can no longer be written to'): NetError {
  return new NetError('EPIPE', message);
}
