// Keyspace commands: DEL/UNLINK/EXISTS, deadlines (EXPIRE family, TTL, PTTL, PERSIST), TYPE, KEYS, SCAN, DBSIZE, FLUSHDB.
import { INT64_MAX, INT64_MIN, latin1 } from '../bytes.js';
import { compileGlob } from '../glob.js';
import type { Command, CommandContext, CommandTable } from './command.js';
import { integerArg, key, option, SYNTAX_ERROR } from './command.js';

const UINT64_MAX = 2n ** 64n - 1n;
const TYPES = new Set(['string', 'list', 'set', 'zset', 'hash', 'stream']);

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (Redis's expireGenericCommand), with NX|XX|GT|LT. */
function expireCommand(name: string, unit: 's' | 'ms', absolute: boolean): Command {
  return { arity: -3, run(args, cx) {
    const flags = new Set<string>();
    for (let i = 3; i < args.length; i++) {
      const opt = option(args[i]!);
      if (opt !== 'nx' && opt !== 'xx' && opt !== 'gt' && opt !== 'lt') return void cx.out.error(`ERR Unsupported option ${latin1(args[i]!)}`);
      flags.add(opt);
    }
    if (flags.has('nx') && (flags.has('xx') || flags.has('gt') || flags.has('lt'))) {
      return void cx.out.error('ERR NX and XX, GT or LT options at the same time are not compatible');
    }
    if (flags.has('gt') && flags.has('lt')) return void cx.out.error('ERR GT and LT options at the same time are not compatible');
    let when = integerArg(args[2]!, cx);
    if (when === null) return;
    const invalid = () => void cx.out.error(`ERR invalid expire time in '${name}' command`);
    if (unit === 's') {
      if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return invalid();
      when *= 1000n;
    }
    const wall = BigInt(Math.floor(cx.server.clock.wallClock()));
    const base = absolute ? 0n : wall;
    if (when > INT64_MAX - base) return invalid();
    const ms = Number(when + base - wall); // from now
    const k = key(args[1]!);
    const ttl = cx.store.ttl(k);
    if (ttl === -2) return void cx.out.integer(0);
    if (flags.size > 0) {
      const has = ttl !== -1;
      if ((flags.has('nx') && has) || (flags.has('xx') && !has) || (flags.has('gt') && (!has || ms <= ttl))
        || (flags.has('lt') && has && ms >= ttl)) return void cx.out.integer(0);
    }
    cx.store.expire(k, ms);
    cx.out.integer(1);
  } };
}

function ttlCommand(unit: 's' | 'ms'): Command {
  return { arity: 2, run(args, cx) {
    const ms = cx.store.ttl(key(args[1]!));
    // Deadlines are fractional on a high-resolution clock; Redis replies whole units, rounded.
    cx.out.integer(ms < 0 ? ms : unit === 'ms' ? Math.round(ms) : Math.floor((ms + 500) / 1000));
  } };
}

const deleteKeys: Command = { arity: -2, run(args, cx) {
  let removed = 0;
  for (let i = 1; i < args.length; i++) if (cx.store.delete(key(args[i]!))) removed++;
  cx.out.integer(removed);
} };

const flush: Command = { arity: -1, run(args, cx) {
  const mode = args[1] ? option(args[1]) : 'sync';
  if (args.length > 2 || (mode !== 'sync' && mode !== 'async')) return void cx.out.error(SYNTAX_ERROR);
  cx.store.flush();
  cx.out.simple('OK');
} };

/** A SCAN cursor as Redis reads it (an unsigned 64-bit decimal; strtoull's sign rules); null if invalid. */
function parseCursor(arg: Uint8Array): bigint | null {
  return parseCursorText(latin1(arg));
}

/** {@link parseCursor} of text (shard-per-core routes SCAN by it). */
export function parseCursorText(text: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(text)) return null;
  const magnitude = BigInt(text.replace(/^[+-]/, ''));
  if (magnitude > UINT64_MAX) return null;
  return text.startsWith('-') ? (UINT64_MAX + 1n - magnitude) % (UINT64_MAX + 1n) : magnitude;
}

function scan(args: Uint8Array[], cx: CommandContext): void {
  const cursor = parseCursor(args[1]!);
  if (cursor === null) return void cx.out.error('ERR invalid cursor');
  let count = 10n;
  let match: ((key: string) => boolean) | null = null;
  let type: string | null = null;
  for (let i = 2; i < args.length; i += 2) {
    const opt = option(args[i]!);
    if (i + 1 >= args.length) return void cx.out.error(SYNTAX_ERROR);
    if (opt === 'count') {
      const value = integerArg(args[i + 1]!, cx);
      if (value === null) return;
      if (value < 1n) return void cx.out.error(SYNTAX_ERROR);
      count = value;
    } else if (opt === 'match') {
      const pattern = latin1(args[i + 1]!);
      match = pattern === '*' ? null : compileGlob(pattern);
    } else if (opt === 'type') {
      type = option(args[i + 1]!);
      if (!TYPES.has(type)) return void cx.out.error(`ERR unknown type name '${latin1(args[i + 1]!)}'`);
    } else {
      return void cx.out.error(SYNTAX_ERROR);
    }
  }
  const from = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(cursor);
  const page = cx.store.scan(from, Number(count > 1_000_000n ? 1_000_000n : count));
  const keys = page.keys.filter((k) => (match === null || match(k)) && (type === null || type === 'string'));
  cx.out.arrayHeader(2).bulkText(String(page.next)).arrayHeader(keys.length);
  for (const k of keys) cx.out.bulkText(k);
}

export const KEY_COMMANDS: CommandTable = {
  del: deleteKeys,
  unlink: deleteKeys,

  exists: { arity: -2, run(args, cx) {
    let found = 0;
    for (let i = 1; i < args.length; i++) if (cx.store.has(key(args[i]!))) found++;
    cx.out.integer(found);
  } },

  expire: expireCommand('expire', 's', false),
  pexpire: expireCommand('pexpire', 'ms', false),
  expireat: expireCommand('expireat', 's', true),
  pexpireat: expireCommand('pexpireat', 'ms', true),
  ttl: ttlCommand('s'),
  pttl: ttlCommand('ms'),

  persist: { arity: 2, run(args, cx) { cx.out.integer(cx.store.persist(key(args[1]!)) ? 1 : 0); } },

  type: { arity: 2, run(args, cx) { cx.out.simple(cx.store.has(key(args[1]!)) ? 'string' : 'none'); } },

  keys: { arity: 2, run(args, cx) {
    const keys = cx.store.keys(latin1(args[1]!));
    cx.out.arrayHeader(keys.length);
    for (const k of keys) cx.out.bulkText(k);
  } },

  scan: { arity: -2, run: scan },

  dbsize: { arity: 1, run(_args, cx) { cx.out.integer(cx.store.size()); } },
  flushdb: flush,
  flushall: flush,
};
