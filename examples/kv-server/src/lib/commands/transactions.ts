// Transactions: MULTI, DISCARD, WATCH, UNWATCH (EXEC runs the queue, so it lives in dispatch.ts).
import type { CommandContext, CommandTable } from './command.js';
import { key } from './command.js';

/** Ends the transaction without running it and forgets every WATCH (Redis's discardTransaction). */
export function discardTransaction(cx: CommandContext): void {
  cx.session.queued = null;
  cx.session.queueFailed = false;
  cx.store.unwatchAll(cx.session.watcher);
}

export const TRANSACTION_COMMANDS: CommandTable = {
  multi: { arity: 1, immediate: true, run(_args, cx) {
    if (cx.session.inMulti) return void cx.out.error('ERR MULTI calls can not be nested');
    cx.session.queued = [];
    cx.out.simple('OK');
  } },

  discard: { arity: 1, immediate: true, run(_args, cx) {
    if (!cx.session.inMulti) return void cx.out.error('ERR DISCARD without MULTI');
    discardTransaction(cx);
    cx.out.simple('OK');
  } },

  watch: { arity: -2, immediate: true, run(args, cx) {
    if (cx.session.inMulti) return void cx.out.error('ERR WATCH inside MULTI is not allowed');
    // No point in watching more once a watched key changed: EXEC will fail anyway.
    if (!cx.session.watcher.dirty) for (let i = 1; i < args.length; i++) cx.store.watch(key(args[i]!), cx.session.watcher);
    cx.out.simple('OK');
  } },

  unwatch: { arity: 1, run(_args, cx) {
    cx.store.unwatchAll(cx.session.watcher);
    cx.out.simple('OK');
  } },
};
