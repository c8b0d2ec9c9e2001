// The runtime-traits-sim command: `view` a trace as an HTML page, `replay` a replay file.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadScenario } from '../internal/lane.js';
import { readReplay } from '../replay-file.js';
import { replay } from '../replay.js';
import { renderPage } from '../viewer/page.js';
import { readTrace } from '../viewer/trace-model.js';

const USAGE = `usage:
  runtime-traits-sim view <trace.json> -o <page.html>      one self-contained HTML page of the trace
  runtime-traits-sim replay <replay.json> [--trace <trace.json>]
                                                           runs the scenario the file names with its seed and plan`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const help = (arg: string | undefined): boolean => arg === '--help' || arg === '-h';
  if (help(command) || ((command === 'view' || command === 'replay') && rest.some(help))) {
    console.error(USAGE);
    return 0;
  }
  if (command === 'view') return view(rest);
  if (command === 'replay') return replayCommand(rest);
  console.error(command === undefined ? USAGE : `unknown command ${JSON.stringify(command)}\n${USAGE}`);
  return 2;
}

/** What the user gave wrong (a file, an option): the message alone, exit code 2. */
class InputError extends Error {}

function option(args: string[], names: string[]): string | undefined {
  const i = args.findIndex((a) => names.includes(a));
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('-')) throw new InputError(`${args[i]} needs a file name`);
  args.splice(i, 2);
  return value;
}

function view(args: string[]): number {
  const out = option(args, ['-o', '--out']);
  const [input] = args;
  if (!input || !out) {
    console.error(USAGE);
    return 2;
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(input, 'utf8')) as unknown;
  } catch (error) {
    throw new InputError(`cannot read ${input}: ${(error as Error).message}`);
  }
  // A bare trace (JSON.stringify(sim.trace())), or { trace, error } as some tools write it.
  const trace = Array.isArray(data) ? data : (data as { trace?: unknown } | null)?.trace;
  if (!Array.isArray(trace) || trace.some((line) => typeof line !== 'string')) {
    throw new InputError(`${input} is not a trace: it must hold an array of trace lines (JSON.stringify(sim.trace())), or { trace, error }`);
  }
  const error = Array.isArray(data) ? undefined : (data as { error?: { message?: string } }).error?.message;
  const model = readTrace(trace as string[]);
  if (trace.length > 0 && model.hosts.length === 0) throw new InputError(`${input}: none of its ${trace.length} lines is a trace line this viewer knows`);
  writeFileSync(out, renderPage(model, basename(input), error));
  console.log(`${out}: ${model.hosts.length} lanes, ${model.tasks.length} tasks, ${model.messages.length} arrows, ${model.faults.length} faults, ${model.failures.length} failed assertions`);
  return 0;
}

async function replayCommand(args: string[]): Promise<number> {
  const trace = option(args, ['--trace']);
  const [file] = args;
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  let data: ReturnType<typeof readReplay>;
  try {
    data = readReplay(file);
  } catch (error) {
    throw new InputError((error as Error).message); // it names the file and the field
  }
  if (!data.scenario || typeof data.scenario.module !== 'string') throw new InputError(`${file} does not name its scenario ({ scenario: { module, name } })`);
  const module = /^[a-z]+:/.test(data.scenario.module) ? data.scenario.module : pathToFileURL(data.scenario.module).href;
  const scenario = await loadScenario(module, data.scenario.name);
  let result: Awaited<ReturnType<typeof replay>>;
  try {
    // The path, not `data`: replay's own checks (a plan for hosts the scenario lacks) then name the file.
    result = await replay(scenario, file, trace === undefined ? {} : { trace });
  } catch (error) {
    throw new InputError((error as Error).message); // a bad input: the scenario's own failures are results
  }
  console.log(`seed ${data.seed}, ${data.plan.faults.length} faults: traceHash ${result.traceHash} (${result.reproduced ? 'same as the file' : `the file had ${result.expectedTraceHash}`})`);
  console.log(result.error ? `failed: ${result.error.message}` : 'passed');
  if (trace !== undefined) console.log(`trace written to ${trace}: runtime-traits-sim view ${trace} -o run.html`);
  return result.error ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Exit code 1 means "the replay failed"; anything that kept the command from doing its work is 2.
  console.error(`runtime-traits-sim: ${error instanceof InputError ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exitCode = 2;
}
