// The flags a worker thread should start with: this process's execArgv minus those a worker cannot take.
//
// WHY: a Worker given no `execArgv` inherits the parent's parsed options wholesale, including the
// ones that only describe how the main program was fed in. `node --input-type=module -e '…'` (or a
// script on stdin) hands every worker `--input-type`, and Node's module loader then refuses the
// worker's own entry file (ERR_INPUT_TYPE_NOT_ALLOWED: --input-type is for string input only).
// Passing an explicit `execArgv` instead makes Node re-parse it for the worker, and that parser
// rejects per-process options and V8 flags (`--title`, `--max-old-space-size=…`, `--expose-gc`,
// `--stack-size=…`; on Node 20 and 22 also a bare `--watch`) with ERR_WORKER_INVALID_EXEC_ARGV.
// Those apply to the whole process anyway, so a worker loses nothing when they are left out.
//
// HOW:
//   1. execArgv is cut into options, each with its values (a token that does not start with '-'
//      belongs to the option before it; `-e`/`-p` and friends always take the next token).
//   2. The options that choose the main program's input are dropped: `--eval`/`-e`, `--print`/`-p`,
//      `--input-type`. No parser reports these (a worker accepts them, then fails to load its file),
//      so they are the one list written here; Node's own rule is that --input-type goes only with
//      --eval, --print or stdin, none of which a worker has.
//   3. Node is asked which of the rest a worker accepts, without starting a thread: `new Worker`
//      checks execArgv first (ERR_WORKER_INVALID_EXEC_ARGV) and only then posts `workerData`, so an
//      unclonable workerData makes an accepted list throw DataCloneError before the thread would
//      start. All options are probed at once; if that is refused, one by one. (Seen on Node 20, 22,
//      24 and 26. Should a Node start the thread first, the probe terminates it and counts the
//      options as accepted; an error of any other kind counts as refused.)
//   4. The answer is cached for as long as process.execArgv does not change.
import { Worker } from 'node:worker_threads';

/** Options that take the next token as their value, whatever it looks like. */
const TAKES_VALUE = new Set(['-e', '--eval', '-p', '--print', '-pe', '--input-type']);
/** Options that say how the main program's source arrives: meaningless, and harmful, in a worker. */
const ENTRY_ONLY = new Set(['-e', '--eval', '-p', '--print', '-pe', '--input-type']);

let cached: { from: string; flags: string[] } | undefined;

/**
 * The `execArgv` to give a Worker so it runs with this process's flags, less those a worker cannot
 * take: the flags that feed the main program (`--eval`, `--print`, `--input-type`) and those Node
 * refuses in a worker (per-process options and V8 flags, which reach every thread anyway).
 */
export function workerExecArgv(): string[] {
  const argv = process.execArgv;
  const key = JSON.stringify(argv);
  if (cached?.from !== key) cached = { from: key, flags: filter(argv) };
  return [...cached.flags];
}

function filter(argv: readonly string[]): string[] {
  const options = split(argv).filter((option) => !ENTRY_ONLY.has(nameOf(option[0]!)));
  const all = options.flat();
  if (all.length === 0 || workerAccepts(all)) return all;
  return options.filter(workerAccepts).flat();
}

/** execArgv as options, each with the tokens that are its values. */
function split(argv: readonly string[]): string[][] {
  const options: string[][] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const option = [token];
    if (TAKES_VALUE.has(token) && i + 1 < argv.length) option.push(argv[++i]!);
    while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) option.push(argv[++i]!);
    if (token.startsWith('-') || options.length === 0) options.push(option);
    else options[options.length - 1]!.push(...option);
  }
  return options;
}

function nameOf(token: string): string {
  const eq = token.indexOf('=');
  return eq < 0 ? token : token.slice(0, eq);
}

/** Whether Node starts a worker with these flags (step 3 of the header). */
function workerAccepts(flags: string[]): boolean {
  try {
    const started = new Worker('', { eval: true, execArgv: flags, workerData: unclonable });
    void started.terminate().catch(() => undefined);
    return true;
  } catch (error) {
    return (error as { name?: unknown } | null)?.name === 'DataCloneError';
  }
}

function unclonable(): void {}
