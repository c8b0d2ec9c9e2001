// String commands: GET/SET and their variants, multi-key MGET/MSET, APPEND/STRLEN, the INCR family.
import { concat, fromLatin1, INT64_MAX, INT64_MIN, parseInt64 } from '../bytes.js';
import type { Command, CommandContext, CommandTable } from './command.js';
import { integerArg, key, NOT_INTEGER, option, SYNTAX_ERROR } from './command.js';

const INT64_MAX_SECONDS = INT64_MAX / 1000n;

type ExpireKind = 'ex' | 'px' | 'exat' | 'pxat';

/**
 * A deadline argument as milliseconds from now (Redis's getExpireMillisecondsOrReply), or null after
 * replying its error. Absolute EXAT/PXAT times are measured against the clock's wall time.
 */
function expireMs(arg: Uint8Array, kind: ExpireKind, command: string, cx: CommandContext): number | null {
  let ms = integerArg(arg, cx);
  if (ms === null) return null;
  const invalid = () => { cx.out.error(`ERR invalid expire time in '${command}' command`); return null; };
  const seconds = kind === 'ex' || kind === 'exat';
  if (ms <= 0n || (seconds && ms > INT64_MAX_SECONDS)) return invalid();
  if (seconds) ms *= 1000n;
  const wall = BigInt(Math.floor(cx.server.clock.wallClock()));
  if (kind === 'ex' || kind === 'px') return ms + wall > INT64_MAX ? invalid() : Number(ms);
  return Number(ms - wall);
}

interface SetFlags { nx?: boolean; xx?: boolean; get?: boolean; keepTtl?: boolean; expire?: ExpireKind; expireArg?: Uint8Array }

/** SET's options after key and value, checked as Redis's parseExtendedStringArgumentsOrReply does; null = syntax error. */
function parseSetFlags(args: Uint8Array[]): SetFlags | null {
  const flags: SetFlags = {};
  for (let i = 3; i < args.length; i++) {
    const opt = option(args[i]!);
    const next = args[i + 1];
    if (opt === 'nx' && !flags.xx) flags.nx = true;
    else if (opt === 'xx' && !flags.nx) flags.xx = true;
    else if (opt === 'get') flags.get = true;
    else if (opt === 'keepttl' && !flags.expire) flags.keepTtl = true;
    else if ((opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat') && !flags.keepTtl
      && (flags.expire === undefined || flags.expire === opt) && next !== undefined) {
      flags.expire = opt;
      flags.expireArg = next;
      i++;
    } else return null;
  }
  return flags;
}

/** The shared body of SET, SETNX, SETEX, PSETEX (Redis's setGenericCommand). */
function setGeneric(cx: CommandContext, args: { key: Uint8Array; value: Uint8Array }, flags: SetFlags, command: string,
  replies: { ok: () => void; abort: () => void }): void {
  let ttlMs: number | undefined;
  if (flags.expire) {
    const ms = expireMs(flags.expireArg!, flags.expire, command, cx);
    if (ms === null) return;
    ttlMs = ms;
  }
  const name = key(args.key);
  if (flags.get) cx.out.bulk(cx.store.get(name));
  const found = cx.store.has(name);
  if ((flags.nx && found) || (flags.xx && !found)) {
    if (!flags.get) replies.abort();
    return;
  }
  cx.store.set(name, args.value, ttlMs === undefined && !flags.keepTtl ? undefined : { ttlMs, keepTtl: flags.keepTtl });
  if (!flags.get) replies.ok();
}

/** INCR, DECR, INCRBY, DECRBY: add `by` to the integer at the key (0 if missing), keeping its TTL. */
function incrBy(cx: CommandContext, arg: Uint8Array, by: bigint): void {
  const name = key(arg);
  const current = cx.store.get(name);
  const value = current === null ? 0n : parseInt64(current);
  if (value === null) return void cx.out.error(NOT_INTEGER);
  const next = value + by;
  if (next > INT64_MAX || next < INT64_MIN) return void cx.out.error('ERR increment or decrement would overflow');
  cx.store.set(name, fromLatin1(String(next)), { keepTtl: true });
  cx.out.integer(next);
}

const ok = (cx: CommandContext) => ({ ok: () => void cx.out.ok(), abort: () => void cx.out.bulk(null) });
const oneZero = (cx: CommandContext) => ({ ok: () => void cx.out.integer(1), abort: () => void cx.out.integer(0) });

const setex = (kind: 'ex' | 'px', command: string): Command => ({ arity: 4, run(args, cx) {
  setGeneric(cx, { key: args[1]!, value: args[3]! }, { expire: kind, expireArg: args[2]! }, command, ok(cx));
} });

const msetGeneric = (onlyIfNoneExist: boolean): Command => ({ arity: -3, run(args, cx) {
  if (args.length % 2 === 0) return void cx.out.error(`ERR wrong number of arguments for '${onlyIfNoneExist ? 'msetnx' : 'mset'}' command`);
  if (onlyIfNoneExist) {
    for (let i = 1; i < args.length; i += 2) if (cx.store.has(key(args[i]!))) return void cx.out.integer(0);
  }
  for (let i = 1; i < args.length; i += 2) cx.store.set(key(args[i]!), args[i + 1]!);
  if (onlyIfNoneExist) cx.out.integer(1);
  else cx.out.simple('OK');
} });

export const STRING_COMMANDS: CommandTable = {
  get: { arity: 2, run(args, cx) { cx.out.bulk(cx.store.get(key(args[1]!))); } },

  set: { arity: -3, run(args, cx) {
    if (args.length === 3) { // no options, the common case: store, drop any deadline, OK
      cx.store.set(key(args[1]!), args[2]!);
      return void cx.out.ok();
    }
    const flags = parseSetFlags(args);
    if (flags === null) return void cx.out.error(SYNTAX_ERROR);
    setGeneric(cx, { key: args[1]!, value: args[2]! }, flags, 'set', ok(cx));
  } },

  setnx: { arity: 3, run(args, cx) { setGeneric(cx, { key: args[1]!, value: args[2]! }, { nx: true }, 'setnx', oneZero(cx)); } },
  setex: setex('ex', 'setex'),
  psetex: setex('px', 'psetex'),

  getset: { arity: 3, run(args, cx) {
    const name = key(args[1]!);
    cx.out.bulk(cx.store.get(name));
    cx.store.set(name, args[2]!);
  } },

  getdel: { arity: 2, run(args, cx) {
    const name = key(args[1]!);
    const value = cx.store.get(name);
    if (value !== null) cx.store.delete(name);
    cx.out.bulk(value);
  } },

  mget: { arity: -2, run(args, cx) {
    cx.out.arrayHeader(args.length - 1);
    for (let i = 1; i < args.length; i++) cx.out.bulk(cx.store.get(key(args[i]!)));
  } },

  mset: msetGeneric(false),
  msetnx: msetGeneric(true),

  append: { arity: 3, run(args, cx) {
    const name = key(args[1]!);
    const current = cx.store.get(name);
    const length = (current?.length ?? 0) + args[2]!.length;
    if (length > cx.server.limits.maxBulkLength) {
      return void cx.out.error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    }
    cx.store.set(name, current === null ? args[2]! : concat([current, args[2]!], length), { keepTtl: true });
    cx.out.integer(length);
  } },

  strlen: { arity: 2, run(args, cx) { cx.out.integer(cx.store.get(key(args[1]!))?.length ?? 0); } },

  incr: { arity: 2, run(args, cx) { incrBy(cx, args[1]!, 1n); } },
  decr: { arity: 2, run(args, cx) { incrBy(cx, args[1]!, -1n); } },

  incrby: { arity: 3, run(args, cx) {
    const by = integerArg(args[2]!, cx);
    if (by !== null) incrBy(cx, args[1]!, by);
  } },

  decrby: { arity: 3, run(args, cx) {
    const by = integerArg(args[2]!, cx);
    if (by === null) return;
    if (by === INT64_MIN) return void cx.out.error('ERR decrement would overflow');
    incrBy(cx, args[1]!, -by);
  } },
};
