// Shard-per-core routing: which worker owns a key, and how one client command becomes operations on the owners' shards.
//
// A key belongs to worker `hash(key) % workers` (FNV-1a over its bytes; a non-empty `{tag}` in the key
// hashes only the tag, as Redis Cluster's hash tags, so related keys can share a shard). A command is
// either run on the connection's own worker (connection commands, errors), sent whole to one owner
// (single-key commands, multi-key ones whose keys share a shard), split per key over several owners
// and run atomically under their holds (MGET, MSET, MSETNX, DEL, UNLINK, EXISTS; hold.ts), or asked
// of every shard (DBSIZE, KEYS, SCAN, FLUSHALL/FLUSHDB, INFO's keyspace; not atomic). An operation is a command's arguments as latin1 strings; a transaction is the list
// of its queued commands.

import { latin1 } from '../lib/bytes.js';
import { parseCursorText } from '../lib/commands/keys.js';
import { ALL, type Keys } from './hold.js';

/** One operation on a shard: a command (latin1 arguments) or a whole transaction (its queued commands). */
export type Op = string[] | string[][];

// Internal operations a shard answers (never client commands: a NUL byte starts their name).
/** Answers `keys,expires` (INFO keyspace). */
export const STAT_OP = '\u0000stat';
/** `[WATCH_OP, watch id, ...keys]`: the keys join that watcher on their shard (WATCH); answers +OK. */
export const WATCH_OP = '\u0000watch';
/**
 * `[FORGET_OP, watch id, ...keys]`: ends that watcher on the shard; answers :1 if one of its keys changed
 * meanwhile, else :0. EXEC names the watched keys, so its hold covers them while it checks and runs.
 */
export const FORGET_OP = '\u0000forget';

/** An internal operation (STAT_OP, WATCH_OP, FORGET_OP), not a command. */
export const isInternal = (op: readonly unknown[]): boolean => typeof op[0] === 'string' && op[0].charCodeAt(0) === 0;

/** The worker that owns `key` (latin1) among `workers`. */
export function ownerOf(key: string, workers: number): number {
  if (workers === 1) return 0;
  let from = 0;
  let to = key.length;
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) {
      from = open + 1;
      to = close;
    }
  }
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % workers;
}

/** `ownerOf` of a key still in bytes (latin1: the same hash, with no string made). */
export function ownerOfBytes(key: Uint8Array, workers: number): number {
  if (workers === 1) return 0;
  let from = 0;
  let to = key.length;
  const open = key.indexOf(123 /* { */);
  if (open >= 0) {
    const close = key.indexOf(125 /* } */, open + 1);
    if (close > open + 1) {
      from = open + 1;
      to = close;
    }
  }
  let hash = 0x811c9dc5;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ key[i]!, 0x01000193);
  return (hash >>> 0) % workers;
}

/** Commands with one key, at argument 1. */
export const SINGLE_KEY = new Set(['get', 'set', 'setnx', 'setex', 'psetex', 'getset', 'getdel', 'append', 'strlen', 'incr', 'decr',
  'incrby', 'decrby', 'expire', 'pexpire', 'expireat', 'pexpireat', 'ttl', 'pttl', 'persist', 'type']);
/** Commands whose every argument after the name is a key; split per key, replies combined. (Maps: a name like `constructor` finds nothing.) */
const EVERY_KEY: ReadonlyMap<string, Combine> = new Map([['mget', 'array'], ['del', 'sum'], ['unlink', 'sum'], ['exists', 'sum']]);
/** Commands that touch every shard (no key). */
const KEYLESS: ReadonlyMap<string, Combine> = new Map([['dbsize', 'sum'], ['keys', 'keys'], ['flushall', 'first'], ['flushdb', 'first'], ['scan', 'scan']]);

/** How the replies of a split command's parts become its one reply. */
export type Combine = 'one' | 'array' | 'sum' | 'ok' | 'first' | 'keys' | 'scan';

/** Where a command goes: run here, or parts (one operation per listed shard, in order). */
export type Route =
  | { kind: 'local' }
  | { kind: 'parts'; combine: Combine; parts: Array<[shard: number, op: string[]]>; scanShard?: number; atomic?: Atomic };

/**
 * A split command that must look like one step (hold.ts): `all` runs its parts under the holds of
 * their shards; `if-none-exist` (MSETNX) first checks each part's key under the holds, then runs the
 * parts only if none exists, answering 1 or 0.
 */
export type Atomic = 'all' | 'if-none-exist';

/** The routing of one command (`name` lower case, `args` latin1, name included). */
export function route(name: string, args: string[], workers: number): Route {
  if (SINGLE_KEY.has(name)) {
    return args.length < 2 ? LOCAL : { kind: 'parts', combine: 'one', parts: [[ownerOf(args[1]!, workers), args]] };
  }
  const every = EVERY_KEY.get(name);
  if (every !== undefined) {
    if (args.length < 2) return LOCAL;
    const owners = args.slice(1).map((key) => ownerOf(key, workers));
    if (owners.every((owner) => owner === owners[0])) return { kind: 'parts', combine: 'one', parts: [[owners[0]!, args]] };
    const single = name === 'mget' ? 'get' : name;
    return { kind: 'parts', combine: every, atomic: 'all', parts: owners.map((owner, i) => [owner, [single, args[i + 1]!]]) };
  }
  if (name === 'mset' || name === 'msetnx') {
    if (args.length < 3 || args.length % 2 === 0) return LOCAL; // the arity error, from the local dispatch
    const owners: number[] = [];
    for (let i = 1; i < args.length; i += 2) owners.push(ownerOf(args[i]!, workers));
    if (owners.every((owner) => owner === owners[0])) return { kind: 'parts', combine: 'one', parts: [[owners[0]!, args]] };
    const atomic = name === 'msetnx' ? 'if-none-exist' : 'all';
    return { kind: 'parts', combine: 'ok', atomic, parts: owners.map((owner, i) => [owner, ['set', args[2 * i + 1]!, args[2 * i + 2]!]]) };
  }
  const keyless = KEYLESS.get(name);
  if (keyless !== undefined) {
    if (keyless !== 'scan') return { kind: 'parts', combine: keyless, parts: everyShard(args, workers) };
    // Read as the store reads it ("00", "+0" and "0" are one cursor); an invalid one gets the store's own error.
    const parsed = args.length < 2 ? null : parseCursorText(args[1]!);
    if (parsed === null || parsed > BigInt(Number.MAX_SAFE_INTEGER)) return LOCAL;
    const cursor = Number(parsed);
    const shard = cursor % workers;
    return { kind: 'parts', combine: 'scan', scanShard: shard, parts: [[shard, ['scan', String(Math.floor(cursor / workers)), ...args.slice(2)]]] };
  }
  return LOCAL;
}

const LOCAL: Route = { kind: 'local' };

/** A command's arguments, as latin1 strings or as the bytes they came in. */
type Args = ReadonlyArray<string | Uint8Array>;

const asText = (arg: string | Uint8Array): string => (typeof arg === 'string' ? arg : latin1(arg));

/**
 * The keys operations touch on their shard (what a hold must cover, or what waits for one; hold.ts):
 * a command's keys, a transaction's commands' keys, the keys a WATCH_OP or FORGET_OP names, or ALL
 * for a keyless command (DBSIZE, KEYS, SCAN, FLUSHALL, INFO's STAT_OP) or one this router does not know.
 */
export function keysOf(ops: ReadonlyArray<Op | Args>): Keys {
  const keys = new Set<string>();
  const add = (command: Args): boolean => {
    const name = asText(command[0] ?? '').toLowerCase();
    if (name === WATCH_OP || name === FORGET_OP) { // [op, watch id, ...keys] (a FORGET names the keys when EXEC checks them)
      for (let i = 2; i < command.length; i++) keys.add(asText(command[i]!));
      return true;
    }
    if (SINGLE_KEY.has(name)) {
      if (command.length > 1) keys.add(asText(command[1]!));
      return true;
    }
    if (EVERY_KEY.has(name) || name === 'mset' || name === 'msetnx') {
      const step = EVERY_KEY.has(name) ? 1 : 2;
      for (let i = 1; i < command.length; i += step) keys.add(asText(command[i]!));
      return true;
    }
    return false; // keyless, internal STAT_OP, or unknown: the whole shard
  };
  for (const op of ops) {
    const commands = op.length > 0 && Array.isArray(op[0]) ? op as string[][] : op.length === 0 ? [] : [op as Args];
    for (const command of commands) if (!add(command)) return ALL;
  }
  return keys;
}

function everyShard(op: string[], workers: number): Array<[number, string[]]> {
  const parts: Array<[number, string[]]> = [];
  for (let shard = 0; shard < workers; shard++) parts.push([shard, op]);
  return parts;
}
