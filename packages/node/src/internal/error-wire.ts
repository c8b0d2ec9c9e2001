// Errors as plain data, so a failure crossing a thread keeps its class, message and code.
import {
  CancelledError, DeadlockError, NetError, RuntimeError, RuntimeShutdownError, TimeoutError, UnsupportedError, WorkerCrashedError,
  type Capability,
} from '@runtime-traits/core';

const KIND = Symbol.for('@runtime-traits/core/error-kind');

/** What travels: either an error's parts, or a thrown non-error value that can be cloned. */
export type WireError =
  | { error: true; kind?: string; name: string; message: string; code?: string; stack?: string; capability?: string; syscall?: string; tasks?: string[] }
  | { error: false; value: unknown };

const STANDARD: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

export function encodeError(thrown: unknown): WireError {
  if (thrown instanceof Error || (typeof thrown === 'object' && thrown !== null && typeof (thrown as Error).message === 'string')) {
    const e = thrown as Error & { code?: unknown; capability?: unknown; syscall?: unknown; tasks?: unknown; [KIND]?: unknown };
    return {
      error: true,
      kind: typeof e[KIND] === 'string' ? e[KIND] : undefined,
      name: typeof e.name === 'string' ? e.name : 'Error',
      message: e.message,
      code: typeof e.code === 'string' ? e.code : undefined,
      stack: typeof e.stack === 'string' ? e.stack : undefined,
      capability: typeof e.capability === 'string' ? e.capability : undefined,
      syscall: typeof e.syscall === 'string' ? e.syscall : undefined,
      tasks: Array.isArray(e.tasks) ? e.tasks.map(String) : undefined,
    };
  }
  try {
    return { error: false, value: structuredClone(thrown) };
  } catch {
    return { error: true, name: 'Error', message: String(thrown) };
  }
}

export function decodeError(wire: WireError): unknown {
  if (!wire.error) return wire.value;
  const error = rebuild(wire);
  if (wire.stack) error.stack = wire.stack;
  return error;
}

function rebuild(w: Extract<WireError, { error: true }>): Error {
  switch (w.kind) {
    case 'CancelledError': return new CancelledError(w.message);
    case 'TimeoutError': return new TimeoutError(w.message);
    case 'RuntimeShutdownError': return new RuntimeShutdownError(w.message);
    case 'UnsupportedError': return new UnsupportedError(w.capability as Capability, w.message);
    case 'WorkerCrashedError': return new WorkerCrashedError(w.message);
    case 'DeadlockError': return new DeadlockError(w.tasks ?? [], w.message);
    case 'NetError': return new NetError(w.code ?? 'ECONNRESET', w.message, { syscall: w.syscall });
    case 'RuntimeError': return new RuntimeError(w.message, w.code ?? 'ERR_RUNTIME');
    default: break;
  }
  const Ctor = STANDARD[w.name] ?? Error;
  const error = new Ctor(w.message) as Error & { code?: string };
  if (!(w.name in STANDARD)) error.name = w.name;
  if (w.code !== undefined) error.code = w.code;
  return error;
}

/** A cancellation reason that can cross: errors as wire errors, anything else if it clones. */
export function encodeReason(reason: unknown): WireError | undefined {
  if (reason === undefined) return undefined;
  return encodeError(reason);
}
