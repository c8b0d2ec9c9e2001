// What a command is, what it may touch, and the argument helpers and error texts commands share.
import { latin1, parseInt64 } from '../bytes.js';
import type { RespWriter } from '../resp-writer.js';
import type { ServerState } from '../server-state.js';
import type { Session } from '../session.js';
import type { Store } from '../store.js';

/** What a command may touch: the shared server state, this connection's session, the reply buffer. */
export interface CommandContext {
  readonly server: ServerState;
  readonly store: Store;
  readonly session: Session;
  readonly out: RespWriter;
}

export interface Command {
  /** Redis's convention: n means exactly n arguments (name included), -n means at least n. */
  readonly arity: number;
  /** Runs at once even inside MULTI (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET), as in Redis. */
  readonly immediate?: boolean;
  /** A container command (CLIENT, CONFIG): looked up by its first argument instead. */
  readonly subcommands?: Readonly<Record<string, Command>>;
  run(args: Uint8Array[], cx: CommandContext): void;
}

export type CommandTable = Readonly<Record<string, Command>>;

export const NOT_INTEGER = 'ERR value is not an integer or out of range';
export const SYNTAX_ERROR = 'ERR syntax error';

/** A signed 64-bit integer argument, or null after replying Redis's error. */
export function integerArg(arg: Uint8Array, cx: CommandContext): bigint | null {
  const value = parseInt64(arg);
  if (value === null) cx.out.error(NOT_INTEGER);
  return value;
}

/** An argument as a lower-case latin1 string, for comparing option names. */
export function option(arg: Uint8Array): string {
  return latin1(arg).toLowerCase();
}

/** The key an argument names (keys are latin1 strings in the store). */
export function key(arg: Uint8Array): string {
  return latin1(arg);
}
