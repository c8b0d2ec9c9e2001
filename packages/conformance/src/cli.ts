#!/usr/bin/env node
// runtime-traits-conformance <module>: runs the conformance suite against the `create` a module exports by default.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import Mocha from 'mocha';
import type { Runtime, RuntimeOptions } from '@runtime-traits/core';
import { resolveAdapter } from './resolve-module.js';
import { skipReason } from './report.js';

const USAGE = `usage: runtime-traits-conformance <module> [--name <name>] [--grep <pattern>] [--timeout <ms>] [--reporter <spec|dot|...>]
                                            [--bail] [--report-json <file>]

  <module>   a file path, or a package name resolved from the current directory, whose default export is create(options?) => Runtime | Promise<Runtime>
  --name     the name shown in the report (default: the module's \`name\` export, else its file name)
  --grep     run only the cases whose full title matches this regular expression (e.g. "tcp", "clock interval")
  --timeout  per-case safety limit in ms of real time (default 20000)
  --reporter any mocha reporter (default spec)
  --bail     stop at the first failing case
  --no-exit  do not force the process to exit at the end: it must then exit by itself
             (a runtime that leaks a handle, timer or thread after shutdown() keeps it alive)
  --report-json <file>  also write { passes, failures, pending, failed: [{ title, error }], skipped: [{ title, reason }] } to <file>

Prints a closing line "N passed, N failed, N skipped" and exits 1 on any failure (2 on a usage error).`;

interface Args { module: string; name?: string; grep?: string; timeout?: number; reporter: string; bail?: boolean; reportJson?: string; noExit?: boolean }

function parse(argv: string[]): Args | string {
  const args: Partial<Args> & { reporter: string } = { reporter: 'spec' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--help' || arg === '-h') return USAGE;
    else if (arg === '--name') args.name = value();
    else if (arg === '--grep' || arg === '-g') {
      args.grep = value();
      try {
        new RegExp(args.grep); // eslint-disable-line no-new
      } catch (error) {
        throw new Error(`--grep is not a regular expression: ${(error as Error).message}`);
      }
    }
    else if (arg === '--reporter' || arg === '-R') args.reporter = value();
    else if (arg === '--bail' || arg === '-b') args.bail = true;
    else if (arg === '--report-json') args.reportJson = value();
    else if (arg === '--no-exit') args.noExit = true;
    else if (arg === '--timeout' || arg === '-t') {
      const ms = Number(value());
      if (!Number.isFinite(ms) || ms <= 0) throw new RangeError('--timeout must be a positive number of ms');
      args.timeout = ms;
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else if (args.module === undefined) args.module = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (args.module === undefined) throw new Error('missing <module>');
  return args as Args;
}

async function loadCreate(specifier: string): Promise<{ create: (o?: RuntimeOptions) => Runtime | Promise<Runtime>; name: string }> {
  const url = resolveAdapter(specifier, process.cwd());
  const mod = await import(url) as { default?: unknown; name?: unknown };
  if (typeof mod.default !== 'function') {
    throw new TypeError(`${specifier} must export a default function create() returning a Runtime (got ${typeof mod.default})`);
  }
  const name = typeof mod.name === 'string' && mod.name ? mod.name : basename(specifier).replace(/\.[cm]?[jt]s$/, '');
  return { create: mod.default as (o?: RuntimeOptions) => Runtime, name };
}

let forceExit = true;

async function main(): Promise<number> {
  let args: Args | string;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (typeof args === 'string') { console.log(args); return 0; }
  forceExit = !args.noExit;
  let loaded;
  try {
    loaded = await loadCreate(args.module);
  } catch (error) {
    console.error(`runtime-traits-conformance: cannot load ${args.module}: ${(error as Error).message}`);
    return 2;
  }
  const mocha = new Mocha({ reporter: args.reporter, timeout: args.timeout ?? 20_000, bail: args.bail ?? false });
  if (args.grep) mocha.grep(new RegExp(args.grep));
  // Binds mocha's describe/it to this instance, as loading a spec file would, then registers the suite.
  mocha.suite.emit('pre-require', globalThis, args.module, mocha);
  const { conformanceSuite } = await import('./suite.js');
  conformanceSuite({ name: args.name ?? loaded.name, create: loaded.create, timeoutMs: args.timeout });
  const started = process.hrtime.bigint();
  const failed: Array<{ title: string; error: string }> = [];
  const skipped: Array<{ title: string; reason: string }> = [];
  const stats = await new Promise<Mocha.Stats>((done) => {
    const runner = mocha.run(() => done(runner.stats ?? { passes: 0, failures: 1, pending: 0 } as Mocha.Stats));
    runner.on('fail', (test, error: Error) => failed.push({ title: test.fullTitle(), error: String(error?.message ?? error) }));
    runner.on('pending', (test) => skipped.push({ title: test.fullTitle(), reason: skipReason(test.title) }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`\nconformance of ${args.name ?? loaded.name}: ${seconds.toFixed(1)} s`);
  console.log(`${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
  if (args.reportJson) {
    writeFileSync(args.reportJson, JSON.stringify({ name: args.name ?? loaded.name, seconds, passes: stats.passes, failures: stats.failures, pending: stats.pending, failed, skipped }, null, 2));
  }
  return stats.failures > 0 ? 1 : 0;
}

main().then((code) => {
  if (forceExit) process.exit(code);
  process.exitCode = code;
}, (error: unknown) => {
  console.error(error);
  process.exit(2);
});
