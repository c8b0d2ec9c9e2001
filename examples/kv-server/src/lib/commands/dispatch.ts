// Runs one command: looks it up (subcommands included), checks its arity, queues it inside MULTI or
// runs it; and EXEC, which runs the queue.
//
// Atomicity: a transaction's commands are queued, untouched, until EXEC; EXEC then runs them one
// after another in one synchronous call — no await, so no other connection's command can run in
// between on this thread, and the store lives on this thread only. A command rejected while queueing
// (unknown, wrong arity) makes EXEC answer EXECABORT and run nothing; a WATCHed key that changed
// makes it answer the null array and run nothing. Both as Redis does.
import { latin1 } from '../bytes.js';
import type { Command, CommandContext, CommandTable } from './command.js';
import { CommandIndex } from './command-index.js';
import type { Resolved } from './command-index.js';
import { CONNECTION_COMMANDS } from './connection.js';
import { KEY_COMMANDS } from './keys.js';
import { SERVER_COMMANDS } from './server.js';
import { STRING_COMMANDS } from './strings.js';
import { discardTransaction, TRANSACTION_COMMANDS } from './transactions.js';

const exec: Command = { arity: 1, immediate: true, run(_args, cx) {
  const { session, store, out } = cx;
  if (!session.inMulti) return void out.error('ERR EXEC without MULTI');
  store.expireWatched(session.watcher);
  if (session.queueFailed) {
    discardTransaction(cx);
    return void out.error('EXECABORT Transaction discarded because of previous errors.');
  }
  if (session.watcher.dirty) {
    discardTransaction(cx);
    return void out.nullArray();
  }
  const queued = session.queued!;
  discardTransaction(cx);
  out.arrayHeader(queued.length);
  for (const args of queued) run(resolve(args) as Resolved, args, cx);
} };

const COMMANDS: CommandTable = {
  ...CONNECTION_COMMANDS, ...KEY_COMMANDS, ...SERVER_COMMANDS, ...STRING_COMMANDS, ...TRANSACTION_COMMANDS, exec,
};

/** The commands this server knows, in upper case (for READMEs and tests). */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS).map((name) => name.toUpperCase()).sort();

/** The commands of a table (and of their subcommands), found from the bytes of a name; `lookup` in command-index.ts. */
const INDEX = new CommandIndex(COMMANDS);

/** A command name in lower case, as a string: the table's own string for a known command (no decoding, no allocation). */
export function nameOf(name: Uint8Array): string {
  return INDEX.lookup(name)?.fullName ?? latin1(name).toLowerCase();
}

/** The command `args` names, or the error Redis replies when there is none or the arity is wrong. */
function resolve(args: Uint8Array[]): Resolved | string {
  const container = INDEX.lookup(args[0]!);
  if (container === undefined) {
    const name = latin1(args[0]!);
    let rest = '';
    for (let i = 1; i < args.length && rest.length < 128; i++) rest += `'${latin1(args[i]!).slice(0, 128 - rest.length)}' `;
    return `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${rest}`;
  }
  let resolved = container;
  if (container.subcommands && args.length >= 2) {
    const found = container.subcommands.lookup(args[1]!);
    if (found === undefined) return `ERR unknown subcommand '${latin1(args[1]!).slice(0, 128)}'. Try ${latin1(args[0]!).toUpperCase()} HELP.`;
    resolved = found;
  }
  const { arity } = resolved.command;
  if ((arity > 0 && args.length !== arity) || args.length < -arity) return `ERR wrong number of arguments for '${resolved.fullName}' command`;
  return resolved;
}

/** Runs a resolved command; a bug in one command answers an error instead of taking the connection down. */
function run({ command, fullName }: Resolved, args: Uint8Array[], cx: CommandContext): void {
  cx.server.totalCommands++;
  const mark = cx.out.length;
  try {
    command.run(args, cx);
  } catch (error) {
    cx.out.rewind(mark);
    cx.out.error(`ERR internal error in '${fullName}': ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Runs (or, inside MULTI, queues) one command and writes its reply; unknown commands and wrong arities get Redis's errors. */
export function execute(args: Uint8Array[], cx: CommandContext): void {
  const resolved = resolve(args);
  if (typeof resolved === 'string') {
    if (cx.session.inMulti) cx.session.queueFailed = true;
    if (latin1(args[0]!).toLowerCase() !== 'exec') return void cx.out.error(resolved);
    // A rejected EXEC (wrong arity) aborts the transaction, as Redis's execCommandAbort does.
    discardTransaction(cx);
    return void cx.out.error(`EXECABORT Transaction discarded because of: ${resolved.replace(/^ERR /, '')}`);
  }
  if (cx.session.inMulti && !resolved.command.immediate) {
    // The arguments may be views into the read they came in (see resp-parser.ts): the queue keeps copies.
    cx.session.queued!.push(args.map((arg) => arg.slice()));
    return void cx.out.simple('QUEUED');
  }
  run(resolved, args, cx);
}
