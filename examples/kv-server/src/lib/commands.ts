// The command table: each command's arity and what it does to the store and the reply.
import { fromLatin1, latin1 } from './bytes.js';
import { compileGlob } from './glob.js';
import type { RespWriter } from './resp-writer.js';
import type { Store } from './store.js';

/** What a command may touch. `quit` is set by QUIT: the server closes after the reply. */
export interface CommandContext {
  readonly store: Store;
  readonly out: RespWriter;
  quit: boolean;
}

interface Command {
  /** Redis's convention: n means exactly n arguments (name included), -n means at least n. */
  arity: number;
  run(args: Uint8Array[], cx: CommandContext): void;
}

/** The only configuration there is: no persistence. */
const CONFIG: Record<string, string> = { save: '', appendonly: 'no' };

const NOT_INTEGER = 'ERR value is not an integer or out of range';
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A signed 64-bit integer written in decimal, as Redis accepts it; null otherwise. */
function parseInt64(bytes: Uint8Array): bigint | null {
  const text = latin1(bytes);
  if (!/^-?(0|[1-9][0-9]{0,18})$/.test(text)) return null;
  const value = BigInt(text);
  return value >= INT64_MIN && value <= INT64_MAX ? value : null;
}

const COMMANDS: Record<string, Command> = {
  ping: { arity: -1, run(args, { out }) {
    if (args.length > 2) out.error("ERR wrong number of arguments for 'ping' command");
    else if (args.length === 2) out.bulk(args[1]!);
    else out.simple('PONG');
  } },

  echo: { arity: 2, run(args, { out }) { out.bulk(args[1]!); } },

  get: { arity: 2, run(args, { store, out }) { out.bulk(store.get(latin1(args[1]!))); } },

  set: { arity: -3, run(args, { store, out }) {
    let ttlMs: number | undefined;
    let keepTtl = false;
    let condition: 'nx' | 'xx' | undefined;
    for (let i = 3; i < args.length; i++) {
      const option = latin1(args[i]!).toLowerCase();
      if ((option === 'ex' || option === 'px') && ttlMs === undefined && !keepTtl && i + 1 < args.length) {
        const amount = parseInt64(args[++i]!);
        if (amount === null) return void out.error(NOT_INTEGER);
        if (amount <= 0n) return void out.error("ERR invalid expire time in 'set' command");
        ttlMs = Number(amount) * (option === 'ex' ? 1000 : 1);
      } else if (option === 'keepttl' && ttlMs === undefined) {
        keepTtl = true;
      } else if ((option === 'nx' || option === 'xx') && condition === undefined) {
        condition = option;
      } else {
        return void out.error('ERR syntax error');
      }
    }
    const key = latin1(args[1]!);
    if (condition !== undefined && store.has(key) !== (condition === 'xx')) return void out.bulk(null);
    store.set(key, args[2]!, { ttlMs, keepTtl });
    out.simple('OK');
  } },

  del: { arity: -2, run(args, { store, out }) {
    let removed = 0;
    for (let i = 1; i < args.length; i++) if (store.delete(latin1(args[i]!))) removed++;
    out.integer(removed);
  } },

  exists: { arity: -2, run(args, { store, out }) {
    let found = 0;
    for (let i = 1; i < args.length; i++) if (store.has(latin1(args[i]!))) found++;
    out.integer(found);
  } },

  incr: { arity: 2, run(args, { store, out }) {
    const key = latin1(args[1]!);
    const current = store.get(key);
    const value = current === null ? 0n : parseInt64(current);
    if (value === null) return void out.error(NOT_INTEGER);
    if (value === INT64_MAX) return void out.error('ERR increment or decrement would overflow');
    const next = value + 1n;
    store.set(key, fromLatin1(String(next)), { keepTtl: true });
    out.integer(next);
  } },

  expire: { arity: 3, run(args, { store, out }) {
    const seconds = parseInt64(args[2]!);
    if (seconds === null) return void out.error(NOT_INTEGER);
    const key = latin1(args[1]!);
    if (seconds <= 0n) return void out.integer(store.delete(key) ? 1 : 0);
    out.integer(store.expire(key, Number(seconds) * 1000) ? 1 : 0);
  } },

  ttl: { arity: 2, run(args, { store, out }) {
    const ms = store.ttl(latin1(args[1]!));
    out.integer(ms < 0 ? ms : Math.round(ms / 1000));
  } },

  pttl: { arity: 2, run(args, { store, out }) { out.integer(store.ttl(latin1(args[1]!))); } },

  keys: { arity: 2, run(args, { store, out }) {
    const keys = store.keys(latin1(args[1]!));
    out.arrayHeader(keys.length);
    for (const key of keys) out.bulk(fromLatin1(key));
  } },

  dbsize: { arity: 1, run(_args, { store, out }) { out.integer(store.size()); } },

  flushdb: { arity: -1, run(args, { store, out }) {
    const mode = args[1] ? latin1(args[1]).toLowerCase() : 'sync';
    if (args.length > 2 || (mode !== 'sync' && mode !== 'async')) return void out.error('ERR syntax error');
    store.flush();
    out.simple('OK');
  } },

  quit: { arity: -1, run(_args, cx) {
    cx.quit = true;
    cx.out.simple('OK');
  } },

  // redis-benchmark asks for `save` and `appendonly` before it starts: this server persists nothing.
  config: { arity: -2, run(args, { out }) {
    if (latin1(args[1]!).toLowerCase() !== 'get' || args.length !== 3) {
      return void out.error('ERR only CONFIG GET <parameter> is supported');
    }
    const match = compileGlob(latin1(args[2]!).toLowerCase());
    const found = Object.entries(CONFIG).filter(([param]) => match(param));
    out.arrayHeader(found.length * 2);
    for (const [param, value] of found) out.bulk(fromLatin1(param)).bulk(fromLatin1(value));
  } },
};

/** The commands this server knows, in upper case (for READMEs and tests). */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS).map((name) => name.toUpperCase());

/** Runs one command and writes its reply; unknown commands and wrong arities get Redis's errors. */
export function execute(args: Uint8Array[], cx: CommandContext): void {
  const name = latin1(args[0]!);
  const command = COMMANDS[name.toLowerCase()];
  if (command === undefined || !Object.hasOwn(COMMANDS, name.toLowerCase())) {
    const rest = args.slice(1, 8).map((arg) => `'${latin1(arg).slice(0, 128)}' `).join('');
    return void cx.out.error(`ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${rest}`);
  }
  const { arity } = command;
  if ((arity > 0 && args.length !== arity) || (arity < 0 && args.length < -arity)) {
    return void cx.out.error(`ERR wrong number of arguments for '${name.toLowerCase()}' command`);
  }
  const mark = cx.out.length;
  try {
    command.run(args, cx);
  } catch (error) {
    // A bug in one command must not take the connection down with it: answer, and carry on.
    cx.out.rewind(mark);
    cx.out.error(`ERR internal error in '${name.toLowerCase()}': ${error instanceof Error ? error.message : String(error)}`);
  }
}
