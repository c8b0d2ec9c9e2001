// What the client and its batches share: the ioredis calling convention (commands as methods, flattened
// arguments, HGETALL as an object) and the bookkeeping of one command awaiting its reply.
import type { Arg, Reply } from './resp.js';

/** One command written and not yet answered. */
export interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Turns the raw reply into the caller's value (not called for error replies). */
  map?: (reply: Reply) => unknown;
  /** Resolve with an error reply instead of rejecting (pipelines and transactions keep errors in their slots). */
  keepErrors?: boolean;
}

/** A script registered with defineCommand. */
export interface Script { sha: string; lua: string; keys: number }

/** Names that look like commands but must not be treated as ones (thenables, inspection, cluster probes). */
export const NOT_COMMANDS = new Set(['then', 'catch', 'finally', 'constructor', 'inspect', 'nodes', 'toJSON', 'valueOf', 'toString']);
export const COMMAND_NAME = /^[a-z]+$/;

export function flatten(args: unknown[]): Arg[] {
  const out: Arg[] = [];
  for (const arg of args) {
    if (Array.isArray(arg)) out.push(...flatten(arg));
    else if (arg instanceof Uint8Array || typeof arg === 'string' || typeof arg === 'number') out.push(arg);
    else if (arg !== undefined && arg !== null) out.push(String(arg));
  }
  return out;
}

/** ioredis turns HGETALL's flat array into an object; BullMQ relies on that. */
export function transformFor(command: string): ((reply: Reply) => unknown) | undefined {
  if (command !== 'hgetall') return undefined;
  return (reply) => {
    if (!Array.isArray(reply)) return reply;
    const object: Record<string, unknown> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) object[String(reply[i])] = reply[i + 1];
    return object;
  };
}

/** Makes `client.anyCommand(...args)` send that command, like ioredis does. */
export function commandProxy<T extends object>(target: T, send: (command: string, args: unknown[]) => unknown): T {
  return new Proxy(target, {
    get(object, prop, receiver) {
      if (typeof prop !== 'string' || prop in object || NOT_COMMANDS.has(prop) || !COMMAND_NAME.test(prop)) {
        return Reflect.get(object, prop, receiver);
      }
      return (...args: unknown[]) => send(prop, args);
    },
  });
}
