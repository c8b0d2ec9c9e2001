// Connection commands: PING, ECHO, QUIT, RESET, SELECT, AUTH, HELLO and the CLIENT container.
import { latin1, parseInt64 } from '../bytes.js';
import type { Protocol } from '../resp-writer.js';
import { REDIS_VERSION } from '../server-state.js';
import type { Command, CommandContext, CommandTable } from './command.js';
import { NOT_INTEGER, option } from './command.js';
import { clientLine } from './client-info.js';

const INT32_MAX = 2n ** 31n - 1n;
const INT32_MIN = -(2n ** 31n);
const NAME_ERROR = 'ERR Client names cannot contain spaces, newlines or special characters.';
const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

/** Client names and lib infos are printable ASCII without spaces ('!'..'~'), as CLIENT LIST needs. */
function validAttribute(value: Uint8Array): boolean {
  return value.every((b) => b >= 33 && b <= 126);
}

/** The default user has no password (nopass): any password authenticates it, other users do not exist. */
function authenticates(user: Uint8Array): boolean {
  return latin1(user) === 'default';
}

/** Switches the connection's protocol: the session says it (CLIENT INFO), the writer speaks it. */
export function setProtocol(cx: CommandContext, protocol: Protocol): void {
  cx.session.resp = protocol;
  cx.out.protocol = protocol;
}

/**
 * HELLO [protover [AUTH user pass] [SETNAME name]]. The options take effect one by one, in order, as
 * in Redis 7.0's helloCommand: a name set before a bad option or a wrong password stays set.
 */
function hello(args: Uint8Array[], cx: CommandContext): void {
  let protocol: Protocol | undefined;
  if (args.length >= 2) {
    const version = parseInt64(args[1]!);
    if (version === null) return void cx.out.error('ERR Protocol version is not an integer or out of range');
    if (version !== 2n && version !== 3n) return void cx.out.error('NOPROTO unsupported protocol version');
    protocol = version === 2n ? 2 : 3;
  }
  for (let i = 2; i < args.length; i++) {
    const opt = option(args[i]!);
    const more = args.length - 1 - i;
    if (opt === 'auth' && more >= 2) {
      if (!authenticates(args[i + 1]!)) return void cx.out.error(WRONGPASS);
      i += 2;
    } else if (opt === 'setname' && more >= 1) {
      const name = args[++i]!;
      if (!validAttribute(name)) return void cx.out.error(NAME_ERROR);
      cx.session.name = latin1(name);
    } else {
      return void cx.out.error(`ERR Syntax error in HELLO option '${latin1(args[i]!)}'`);
    }
  }
  // The reply is already in the new protocol: a map for HELLO 3.
  if (protocol !== undefined) setProtocol(cx, protocol);
  cx.out.mapHeader(7)
    .bulkText('server').bulkText('redis')
    .bulkText('version').bulkText(REDIS_VERSION)
    .bulkText('proto').integer(cx.session.resp)
    .bulkText('id').integer(cx.session.id)
    .bulkText('mode').bulkText('standalone')
    .bulkText('role').bulkText('master')
    .bulkText('modules').arrayHeader(0);
}

const CLIENT_SUBCOMMANDS: CommandTable = {
  id: { arity: 2, run(_args, cx) { cx.out.integer(cx.session.id); } },

  getname: { arity: 2, run(_args, cx) {
    if (cx.session.name === '') cx.out.bulk(null);
    else cx.out.bulkText(cx.session.name);
  } },

  setname: { arity: 3, run(args, cx) {
    if (!validAttribute(args[2]!)) return void cx.out.error(NAME_ERROR);
    cx.session.name = latin1(args[2]!);
    cx.out.simple('OK');
  } },

  setinfo: { arity: 4, run(args, cx) {
    const attribute = option(args[2]!);
    if (attribute !== 'lib-name' && attribute !== 'lib-ver') return void cx.out.error(`ERR Unrecognized option '${latin1(args[2]!)}'`);
    if (!validAttribute(args[3]!)) return void cx.out.error(`ERR ${latin1(args[2]!)} cannot contain spaces, newlines or special characters.`);
    if (attribute === 'lib-name') cx.session.libName = latin1(args[3]!);
    else cx.session.libVersion = latin1(args[3]!);
    cx.out.simple('OK');
  } },

  info: { arity: 2, run(_args, cx) { cx.out.verbatim(`${clientLine(cx.session, cx)}\n`); } },

  list: { arity: -2, run(args, cx) {
    if (args.length > 2) return void cx.out.error('ERR syntax error');
    cx.out.verbatim([...cx.server.sessions].map((session) => `${clientLine(session, cx)}\n`).join(''));
  } },

  help: { arity: 2, run(_args, cx) {
    const lines = ['CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
      'GETNAME', 'ID', 'INFO', 'LIST', 'SETINFO <LIB-NAME|LIB-VER> <value>', 'SETNAME <name>', 'HELP'];
    cx.out.arrayHeader(lines.length);
    for (const line of lines) cx.out.simple(line);
  } },
};

const client: Command = { arity: -2, subcommands: CLIENT_SUBCOMMANDS, run() { /* dispatched by subcommand */ } };

export const CONNECTION_COMMANDS: CommandTable = {
  ping: { arity: -1, run(args, cx) {
    if (args.length > 2) cx.out.error("ERR wrong number of arguments for 'ping' command");
    else if (args.length === 2) cx.out.bulk(args[1]!);
    else cx.out.simple('PONG');
  } },

  echo: { arity: 2, run(args, cx) { cx.out.bulk(args[1]!); } },

  quit: { arity: -1, immediate: true, run(_args, cx) {
    cx.session.quit = true;
    cx.out.simple('OK');
  } },

  reset: { arity: 1, immediate: true, run(_args, cx) {
    cx.session.queued = null;
    cx.session.queueFailed = false;
    cx.store.unwatchAll(cx.session.watcher);
    cx.session.name = '';
    setProtocol(cx, 2);
    cx.out.simple('RESET');
  } },

  select: { arity: 2, run(args, cx) {
    const index = parseInt64(args[1]!);
    if (index === null || index > INT32_MAX || index < INT32_MIN) return void cx.out.error(NOT_INTEGER);
    // One database (Redis started with `databases 1`): only index 0 exists.
    if (index !== 0n) return void cx.out.error('ERR DB index is out of range');
    cx.out.simple('OK');
  } },

  auth: { arity: -2, run(args, cx) {
    if (args.length > 3) return void cx.out.error('ERR syntax error');
    if (args.length === 2) {
      return void cx.out.error('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
    }
    if (!authenticates(args[1]!)) return void cx.out.error(WRONGPASS);
    cx.out.simple('OK');
  } },

  hello: { arity: -1, run: hello },
  client,
};
