// Errors crossing threads keep their class, message and code: flattened to a record, rebuilt on arrival.
import {
  CancelledError, DeadlockError, NetError, RuntimeError, RuntimeShutdownError, TimeoutError, UnsupportedError,
  WorkerCrashedError, type Capability,
} from '@runtime-traits/core';

export interface ErrorRecord {
  kind: string;
  name: string;
  message: string;
  code?: unknown;
  stack?: string;
  capability?: string;
  tasks?: string[];
  syscall?: string;
  value?: unknown;
}

const KIND = Symbol.for('@runtime-traits/core/error-kind');
const NATIVE: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

export function toRecord(error: unknown): ErrorRecord {
  if (!(error instanceof Error) && !RuntimeError.is(error)) {
    // A thrown non-error travels as a value when it can be cloned.
    try {
      structuredClone(error);
      return { kind: 'value', name: '', message: '', value: error };
    } catch {
      return { kind: 'Error', name: 'Error', message: String(error) };
    }
  }
  const e = error as Error & { code?: unknown; capability?: string; tasks?: string[]; syscall?: string };
  const brand = (e as unknown as Record<symbol, unknown>)[KIND];
  const kind = typeof brand === 'string' ? brand : e.constructor?.name in NATIVE ? e.constructor.name : 'Error';
  const record: ErrorRecord = { kind, name: e.name, message: e.message, stack: e.stack };
  if (e.code !== undefined && isPlain(e.code)) record.code = e.code;
  if (typeof e.capability === 'string') record.capability = e.capability;
  if (Array.isArray(e.tasks)) record.tasks = e.tasks.map(String);
  if (typeof e.syscall === 'string') record.syscall = e.syscall;
  return record;
}

export function fromRecord(record: ErrorRecord): unknown {
  let error: Error;
  const code = record.code as string;
  switch (record.kind) {
    case 'value': return record.value;
    case 'CancelledError': error = new CancelledError(record.message); break;
    case 'TimeoutError': error = new TimeoutError(record.message); break;
    case 'RuntimeShutdownError': error = new RuntimeShutdownError(record.message); break;
    case 'WorkerCrashedError': error = new WorkerCrashedError(record.message); break;
    case 'UnsupportedError': error = new UnsupportedError(record.capability as Capability, record.message); break;
    case 'DeadlockError': error = new DeadlockError(record.tasks ?? [], record.message); break;
    case 'NetError': error = new NetError(code, record.message, { syscall: record.syscall }); break;
    case 'RuntimeError': error = new RuntimeError(record.message, code); break;
    default: {
      const Native = NATIVE[record.kind] ?? Error;
      error = new Native(record.message);
      if (record.name && record.name !== error.name) error.name = record.name;
      if (record.code !== undefined) (error as Error & { code?: unknown }).code = record.code;
    }
  }
  if (record.stack) error.stack = record.stack;
  return error;
}

function isPlain(value: unknown): boolean {
  return value === null || typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol';
}
