// Differential test: random command sequences (fast-check) sent to a real redis-server and to the
// kv-server, in RESP2 and after HELLO 3 (with HELLO 2/3 and RESET switching inside the sequence);
// every reply must be the same bytes, type markers and error texts included. Only what is meant to
// differ is normalised: TTLs (wall time passes), the order of KEYS/SCAN/CONFIG GET results (a hash
// table's order), HELLO's version and id, and the text of INFO and CLIENT INFO/LIST (their type is kept).
import { expect } from 'chai';
import fc from 'fast-check';
import { REDIS_SERVER, startPair } from './support/redis-server.js';
import { exchangeTyped } from './support/typed-reply.js';
import type { Typed } from './support/typed-reply.js';

const key = fc.constantFrom('a', 'b', 'c');
const value = fc.constantFrom('0', '1', '-1', '10', '42', 'abc', '', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', '007', '-0', '1.5', ' 1', 'x y', 'héllo');
const ttl = fc.constantFrom('1000', '0', '-5', 'abc', '9223372036854775807', '100000');
const option = fc.constantFrom('NX', 'XX', 'GET', 'KEEPTTL', 'BOGUS');

const command: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(key).map(([k]) => ['GET', k]),
  fc.tuple(key, value, fc.array(fc.oneof(option.map((o) => [o]), fc.tuple(fc.constantFrom('EX', 'PX'), ttl)), { maxLength: 3 }))
    .map(([k, v, opts]) => ['SET', k, v, ...opts.flat()]),
  fc.tuple(fc.constantFrom('SETNX', 'GETSET', 'APPEND'), key, value).map(([c, k, v]) => [c, k, v]),
  fc.tuple(fc.constantFrom('SETEX', 'PSETEX'), key, ttl, value).map(([c, k, t, v]) => [c, k, t, v]),
  fc.tuple(fc.constantFrom('GETDEL', 'STRLEN', 'INCR', 'DECR', 'TYPE', 'PERSIST', 'TTL', 'PTTL'), key).map(([c, k]) => [c, k]),
  fc.tuple(fc.constantFrom('INCRBY', 'DECRBY'), key, value).map(([c, k, v]) => [c, k, v]),
  fc.tuple(fc.constantFrom('DEL', 'UNLINK', 'EXISTS', 'MGET', 'WATCH'), fc.array(key, { minLength: 1, maxLength: 4 })).map(([c, ks]) => [c, ...ks]),
  fc.tuple(fc.constantFrom('MSET', 'MSETNX'), fc.array(fc.oneof(key, value), { minLength: 1, maxLength: 5 })).map(([c, kvs]) => [c, ...kvs]),
  // GT/LT compare two deadlines taken a moment apart: timing, not semantics (unit-tested on a manual clock).
  fc.tuple(fc.constantFrom('EXPIRE', 'PEXPIRE'), key, ttl, fc.array(fc.constantFrom('NX', 'XX', 'BAD'), { maxLength: 2 }))
    .map(([c, k, t, o]) => [c, k, t, ...o]),
  fc.constantFrom<string[]>(['MULTI'], ['EXEC'], ['DISCARD'], ['UNWATCH'], ['DBSIZE'], ['PING'], ['PING', 'hi'], ['ECHO', 'x'],
    ['SELECT', '0'], ['SELECT', '1'], ['SELECT', 'x'], ['FLUSHDB'], ['KEYS', '*'], ['KEYS', '[ab]'], ['SCAN', '0', 'COUNT', '100'],
    ['SCAN', '0', 'MATCH', 'a*', 'COUNT', '100'], ['SCAN', 'x'], ['SCAN', '0', 'COUNT', '0'], ['CLIENT', 'GETNAME'],
    ['CLIENT', 'SETNAME', 'worker-1'], ['CLIENT', 'SETNAME', 'two words'], ['CLIENT', 'NOPE'], ['NOSUCH', 'x'], ['GET'],
    ['SET', 'a'], ['MULTI', 'x'], ['EXEC', 'x'], ['WATCH'], ['PING', 'a', 'b'], ['ECHO'], ['AUTH', 'x'], ['AUTH', 'default', 'x'],
    ['AUTH', 'bob', 'x'], ['HELLO', '4'], ['HELLO', 'x'], ['HELLO', '2', 'FOO'], ['HELLO', '2', 'SETNAME', 'a b'],
    ['CLIENT', 'SETNAME'], ['CLIENT'], ['FLUSHDB', 'ASYNC'], ['FLUSHDB', 'NOW'], ['GETDEL']),
  // Protocol switches and the replies whose type RESP3 changes (maps, nulls, verbatim strings).
  fc.constantFrom<string[]>(['HELLO', '3'], ['HELLO', '2'], ['HELLO'], ['RESET'], ['HELLO', '3', 'SETNAME', 'conn-3'],
    ['HELLO', '3', 'AUTH', 'default', 'pw'], ['HELLO', '3', 'AUTH', 'bob', 'pw'], ['HELLO', '2', 'AUTH', 'bob', 'x', 'SETNAME', 'a b'],
    ['HELLO', '3', 'SETNAME', 'a b'], ['HELLO', '3', 'AUTH', 'bob', 'x', 'AUTH', 'default', 'y'], ['HELLO', '3', 'AUTH', 'default'],
    ['HELLO', '03'], ['HELLO', '-3'], ['HELLO', '2', 'SETNAME', 'aa', 'BOGUS'], ['HELLO', '3', 'SETNAME', 'cc', 'AUTH', 'bob', 'x'], ['CONFIG', 'GET', 'save'], ['CONFIG', 'GET', 'appendonly'], ['CONFIG', 'GET', 'databases'],
    ['CONFIG', 'GET', 'save', 'appendonly'], ['CONFIG', 'GET', 'nosuchparam'], ['CONFIG', 'GET'], ['INFO', 'keyspace'],
    ['CLIENT', 'INFO'], ['CLIENT', 'LIST'], ['TIME']),
  fc.tuple(fc.constantFrom('EXPIREAT', 'PEXPIREAT'), key, fc.constantFrom('4102444800', '4102444800000', '1', '0', 'x'))
    .map(([c, k, t]) => [c, k, t]),
  // Only future or invalid times: a SET with a deadline already past leaves Redis counting the key in
  // DBSIZE until its expiry cycle runs, while this server counts live keys (see the README).
  fc.tuple(key, value, fc.constantFrom(['EXAT', '4102444800'], ['PXAT', '4102444800000'], ['EXAT', '0'], ['PXAT', 'x']))
    .map(([k, v, [o, t]]) => ['SET', k, v, o!, t!]),
);

/** A WATCH ... MULTI ... EXEC shape with commands in between, so a changed watched key (EXEC's null reply) comes up often. */
const transaction: fc.Arbitrary<string[][]> = fc.tuple(fc.array(key, { minLength: 1, maxLength: 2 }), fc.array(command, { maxLength: 3 }),
  fc.array(command, { maxLength: 3 }), fc.constantFrom<string[]>(['EXEC'], ['DISCARD']))
  .map(([keys, before, queued, end]) => [['WATCH', ...keys], ...before, ['MULTI'], ...queued, end]);

/** Commands, some of them grouped into transactions. */
const sequence = fc.array(fc.oneof({ weight: 6, arbitrary: command.map((c) => [c]) }, { weight: 1, arbitrary: transaction }),
  { minLength: 1, maxLength: 40 }).map((groups) => groups.flat());

/** What is meant to differ, made equal in `reply` (the reply to `args`); everything else stays as sent. */
function normaliseOne(args: string[], reply: Typed): unknown {
  const command = args[0]!.toUpperCase();
  const name = command === 'CLIENT' || command === 'CONFIG' ? `${command} ${args[1]?.toUpperCase()}` : command;
  const items = Array.isArray(reply.v) ? reply.v : null;
  if (reply.t === ':' && (name === 'TTL' || name === 'PTTL') && Number(reply.v) > 0) return 'a positive TTL';
  if (items && name === 'KEYS') return { t: reply.t, v: [...items].map((item) => item.v).sort() };
  if (items && name === 'SCAN' && items.length === 2 && Array.isArray(items[1]!.v)) {
    return { t: reply.t, cursor: items[0]!.v === '0' ? 'done' : 'more', keys: items[1]!.v.map((item) => item.v).sort() };
  }
  if (items && name === 'CONFIG GET') {
    const pairs: string[] = [];
    for (let i = 0; i < items.length; i += 2) pairs.push(JSON.stringify([items[i], items[i + 1]]));
    return { t: reply.t, v: pairs.sort() };
  }
  if (items && name === 'HELLO') {
    return { t: reply.t, v: items.map((item, i) => (items[i - 1]?.v === 'version' || items[i - 1]?.v === 'id' ? { t: item.t } : item)) };
  }
  if (typeof reply.v === 'string' && (name === 'INFO' || name === 'CLIENT INFO' || name === 'CLIENT LIST')) {
    // The text itself is each server's own; the type (bulk or verbatim) and the protocol it reports are not.
    return { t: reply.t, format: reply.t === '=' ? reply.v.slice(0, 4) : undefined, resp: /\bresp=(\d)/.exec(reply.v)?.[1] };
  }
  if (name === 'TIME' && items) return { t: reply.t, v: items.map((item) => item.t) };
  return reply;
}

/** Replies with what is meant to differ made equal; `commands[i]` produced `replies[i]`. */
function normalise(commands: string[][], replies: Typed[]): unknown[] {
  const out: unknown[] = [];
  let queued: string[][] | null = null;
  commands.forEach((args, i) => {
    const name = args[0]!.toUpperCase();
    const reply = replies[i]!;
    if (name === 'MULTI' && reply.t === '+' && reply.v === 'OK') { queued = []; out.push(reply); return; }
    if (queued !== null && reply.t === '+' && reply.v === 'QUEUED') { queued.push(args); out.push(reply); return; }
    if (queued !== null && (name === 'EXEC' || name === 'DISCARD' || name === 'RESET') && args.length === 1) {
      out.push(name === 'EXEC' && Array.isArray(reply.v) ? { t: reply.t, v: reply.v.map((r, j) => normaliseOne(queued![j]!, r)) } : reply);
      queued = null;
      return;
    }
    out.push(normaliseOne(args, reply));
  });
  return out;
}

describe('kv-server and redis-server answer the same bytes (differential, fast-check)', function () {
  this.timeout(300_000);
  let pair: Awaited<ReturnType<typeof startPair>> | undefined;

  before(async function () {
    if (!REDIS_SERVER) this.skip(); // capability: redis-server is not installed on this machine
    pair = await startPair();
  });
  after(async () => { await pair?.stop(); });

  const compare = async (commands: string[][]) => {
    const [expected, actual] = await Promise.all([exchangeTyped(pair!.redis.port, commands), exchangeTyped(pair!.kv.port, commands)]);
    expect(normalise(commands, actual)).to.deep.equal(normalise(commands, expected));
  };

  it('should give every reply of a random command sequence in RESP2 the same bytes as Redis (TTLs and key order aside)', async () => {
    await fc.assert(fc.asyncProperty(sequence, async (commands) => {
      await compare([['FLUSHDB'], ...commands]);
    }), { numRuns: 400 });
  });

  it('should give every reply of a random command sequence after HELLO 3 the same bytes as Redis (RESP3 maps, nulls, verbatim strings)', async () => {
    await fc.assert(fc.asyncProperty(sequence, async (commands) => {
      await compare([['FLUSHDB'], ['HELLO', '3'], ...commands]);
    }), { numRuns: 400 });
  });
});
