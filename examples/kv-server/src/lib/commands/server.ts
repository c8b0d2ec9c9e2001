// Server commands: INFO, TIME, and CONFIG GET (what redis-benchmark and clients ask for).
import { compileGlob } from '../glob.js';
import type { CommandContext, CommandTable } from './command.js';
import { option } from './command.js';
import { infoText } from './info.js';

/** CONFIG GET's answers: this server persists nothing and has one database. */
function config(cx: CommandContext): Record<string, string> {
  return {
    save: '',
    appendonly: 'no',
    databases: '1',
    'proto-max-bulk-len': String(cx.server.limits.maxBulkLength),
    'client-query-buffer-limit': String(cx.server.limits.maxQueryBuffer),
  };
}

const CONFIG_SUBCOMMANDS: CommandTable = {
  get: { arity: -3, run(args, cx) {
    const params = Object.entries(config(cx));
    const found = new Map<string, string>();
    for (let i = 2; i < args.length; i++) {
      const match = compileGlob(option(args[i]!));
      for (const [param, value] of params) if (match(param)) found.set(param, value);
    }
    cx.out.mapHeader(found.size);
    for (const [param, value] of found) cx.out.bulkText(param).bulkText(value);
  } },
};

export const SERVER_COMMANDS: CommandTable = {
  info: { arity: -1, run(args, cx) {
    cx.out.verbatim(infoText(cx.server, args.slice(1).map(option)));
  } },

  time: { arity: 1, run(_args, cx) {
    const ms = cx.server.clock.wallClock();
    const seconds = Math.floor(ms / 1000);
    const micros = Math.floor((ms - seconds * 1000) * 1000);
    cx.out.arrayHeader(2).bulkText(String(seconds)).bulkText(String(micros));
  } },

  config: { arity: -2, subcommands: CONFIG_SUBCOMMANDS, run() { /* dispatched by subcommand */ } },
};
