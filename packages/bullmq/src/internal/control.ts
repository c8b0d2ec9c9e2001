// The cancel channel: a Redis pub/sub channel per queue on which callers ask workers to abort a running job.
//
// WHY a channel: BullMQ 6 can abort a job's processor signal (`worker.cancelJob`) only inside the process
// running it, and a caller does not know which machine that is. So the caller publishes the job id and
// every worker of the queue hears it; the one running the job aborts it. A worker also remembers recent
// cancels for a while, for the job it has just fetched but not yet started when the message arrives.
import { decodeValue, encodeValue } from './wire.js';

export interface CancelMessage {
  jobId: string;
  /** The cancel reason, v8-serialized in base64 (a string when the reason cannot be cloned). */
  reason: string;
}

export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:runtime-traits:cancel`;
}

export function encodeCancel(jobId: string, reason: unknown): string {
  let encoded: string;
  try {
    encoded = encodeValue(reason);
  } catch {
    encoded = encodeValue(String(reason));
  }
  return JSON.stringify({ jobId, reason: encoded } satisfies CancelMessage);
}

export function decodeCancel(text: string): { jobId: string; reason: unknown } | undefined {
  try {
    const message = JSON.parse(text) as CancelMessage;
    if (typeof message.jobId !== 'string') return undefined;
    return { jobId: message.jobId, reason: decodeValue(message.reason) };
  } catch {
    return undefined;
  }
}
