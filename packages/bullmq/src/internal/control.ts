// The cancel channel: a Redis pub/sub channel per queue on which callers ask workers to abort a running job.
//
// WHY a channel: BullMQ 6 can abort a job's processor signal (`worker.cancelJob`) only inside the process
// running it, and a caller does not know which machine that is. So the caller publishes the job id and
// every worker of the queue hears it; the one running the job aborts it. A worker also remembers recent
// cancels for a while, for the job it has just fetched but not yet started when the message arrives.
import { decodeError, decodeValue, encodeError, encodeValue } from './wire.js';

export interface CancelMessage {
  jobId: string;
  /** The cancel reason: an error as encodeError makes it (`e`), anything else as encodeValue does (`v`). */
  reason: string;
  kind: 'e' | 'v';
}

export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:runtime-traits:cancel`;
}

export function encodeCancel(jobId: string, reason: unknown): string {
  if (reason instanceof Error) return JSON.stringify({ jobId, reason: encodeError(reason), kind: 'e' } satisfies CancelMessage);
  let encoded: string;
  try {
    encoded = encodeValue(reason);
  } catch {
    encoded = encodeValue(String(reason));
  }
  return JSON.stringify({ jobId, reason: encoded, kind: 'v' } satisfies CancelMessage);
}

/** The job id and the reason, rebuilt (an error keeps its class and code); undefined for a malformed message. */
export function decodeCancel(text: string): { jobId: string; reason: unknown } | undefined {
  try {
    const message = JSON.parse(text) as CancelMessage;
    if (typeof message.jobId !== 'string' || typeof message.reason !== 'string') return undefined;
    const reason = message.kind === 'e' ? decodeError(message.reason, 'the cancelling caller') : decodeValue(message.reason);
    return { jobId: message.jobId, reason };
  } catch {
    return undefined;
  }
}
