// Stack frames outside node-compat: where the code that did something (re-armed a timer, escaped) lives, for messages, traces and checks.
import { fileURLToPath } from 'node:url';

/** This package's dist/src folder: frames in it are ours. */
const OURS = fileURLToPath(new URL('../', import.meta.url));

/** The stack's frames below the caller, without node-compat's own. */
function frames(): string[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40; // Node's own frames (https → tls) come between the user's code and ours
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack.split('\n').slice(1).map((line) => line.trim().replace(/^at /, '')).filter((frame) => !frame.includes(OURS));
}

const isNode = (frame: string): boolean => frame.includes('(node:') || frame.startsWith('node:');

/** "fn (file:line:col)" of the first caller in user or library code (not Node's own), else the first frame, else 'unknown'. */
export function callSite(): string {
  const all = frames();
  return all.find((frame) => !isNode(frame)) ?? all[0] ?? 'unknown';
}

/** True when the code that called Node's timer functions is Node's own (node:…), not a library or the user. */
export function calledByNode(): boolean {
  const caller = frames().find((frame) => !/\(node:(internal\/)?timers[:)]/.test(frame));
  return caller !== undefined && isNode(caller);
}
