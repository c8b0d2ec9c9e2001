// What crosses Redis: a task as job data, its result and its error — values as v8 serialization in base64.
//
// WHY v8 and base64: BullMQ stores job data and return values as JSON. v8's serializer keeps what
// structured clone keeps (Map, Set, Date, RegExp, typed arrays, bigint, cycles); base64 makes those bytes
// a JSON-safe string. Small values that JSON keeps exactly skip v8 (its serializer costs ~15 µs a call). An error travels inside BullMQ's failedReason (the only text a 'failed' event
// carries) as a readable line followed by a tagged base64 record, so dashboards stay legible and the
// caller can rebuild the same class, code, message and remote stack.
import { deserialize, serialize } from 'node:v8';
import { WorkerCrashedError } from '@runtime-traits/core';
import {
  decodeError as decodeRecord, encodeError as encodeRecord, isErrorLike, isJsonExact, type ErrorRecord,
} from '@runtime-traits/core/kit';

/** The job data of one task. */
export interface TaskJob {
  /** The task's module URL. */
  m: string;
  /** Its export name. */
  n: string;
  /** The arguments, as encodeValue makes them. */
  a: string;
  /** 1 when spawned with spawnBlocking (the worker runs it off its event loop). */
  b?: 1;
}

/**
 * A value as text: `j` + JSON when JSON keeps it exactly (finite numbers other than -0, strings,
 * booleans, null, arrays and plain objects of those: the common case, and several times cheaper),
 * else `v` + base64 of v8 serialization (everything structured clone keeps).
 */
export function encodeValue(value: unknown): string {
  if (isJsonExact(value)) return `j${JSON.stringify(value)}`;
  return `v${serialize(value).toString('base64')}`;
}

export function decodeValue(text: string): unknown {
  if (text.charCodeAt(0) === 0x6a /* j */) return JSON.parse(text.slice(1));
  if (text.charCodeAt(0) !== 0x76 /* v */) throw new TypeError(`not an encoded value: ${JSON.stringify(text.slice(0, 20))}`);
  return deserialize(Buffer.from(text.slice(1), 'base64'));
}

const TAG = ' [runtime-traits:';

/**
 * The kit's record of a task's error (it travels as JSON). A thrown non-error travels as itself, as
 * on the other runtimes: its `value` is encodeValue's text (v8 when JSON would change it); one that
 * cannot be cloned (a function, a symbol) becomes an Error saying what it was.
 */
function recordOf(error: unknown): ErrorRecord {
  if (isErrorLike(error)) return encodeRecord(error);
  try {
    return { kind: 'value', name: '', message: `A task threw a non-error value: ${safeText(error)}`, value: encodeValue(error) };
  } catch {
    return { kind: 'Error', name: 'Error', message: `A task threw a non-error value that cannot be sent: ${safeText(error)}` };
  }
}

function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}

/** The failedReason for a task's error: "Name: message [runtime-traits:<base64>]" (a thrown value: "message [...]"). */
export function encodeError(error: unknown): string {
  const record = recordOf(error);
  return `${record.name ? `${record.name}: ` : ''}${record.message}${TAG}${Buffer.from(JSON.stringify(record)).toString('base64')}]`;
}

/**
 * Rebuilds a task's error from a failedReason. A reason this package did not write (BullMQ's own,
 * e.g. "job stalled more than allowable limit") becomes a WorkerCrashedError when a worker was lost,
 * a plain Error otherwise.
 */
export function decodeError(reason: string | undefined, where: string): unknown {
  const text = reason ?? 'unknown failure';
  const at = text.lastIndexOf(TAG);
  if (at < 0 || !text.endsWith(']')) {
    if (/stalled|started more than allowable/.test(text)) return new WorkerCrashedError(`The worker running ${where} was lost: ${text}`);
    return new Error(text);
  }
  let record: ErrorRecord;
  try {
    record = JSON.parse(Buffer.from(text.slice(at + TAG.length, -1), 'base64').toString('utf8')) as ErrorRecord;
  } catch {
    return new Error(text.slice(0, at));
  }
  if (record?.kind === 'value') { // a thrown non-error, its value as encodeValue wrote it
    try {
      return decodeValue(String(record.value));
    } catch {
      return new Error(text.slice(0, at));
    }
  }
  return decodeRecord(record, { where });
}
