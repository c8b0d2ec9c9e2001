// Runs the conformance suite in a browser page (or any host without Node), under mocha's browser build loaded beforehand.
//
// The page loads mocha's browser build with a <script> tag (node_modules/mocha/mocha.js), which puts
// `mocha` on globalThis; then a module calls runConformance({ name, create }) and gets the report the
// Node CLI writes with --report-json. Nothing here imports a Node built-in.
/**
 * `@runtime-traits/conformance/browser`: runs the suite in a browser page under mocha's browser build.
 * @module
 */
import type { ConformanceOptions } from './harness.js';
import { skipReason, type ConformanceReport } from './report.js';
import { conformanceSuite } from './suite.js';

interface BrowserMocha {
  setup(options: { ui: 'bdd'; reporter: unknown; timeout?: number; bail?: boolean }): void;
  grep(pattern: RegExp): void;
  run(done?: (failures: number) => void): BrowserRunner;
}

interface BrowserRunner {
  on(event: 'pass' | 'pending', listener: (test: { fullTitle(): string; title: string }) => void): void;
  on(event: 'fail', listener: (test: { fullTitle(): string }, error: Error) => void): void;
  on(event: 'end', listener: () => void): void;
}

export interface BrowserRunOptions extends ConformanceOptions {
  /** Run only the cases whose full title matches. */
  grep?: RegExp;
  /** Stop at the first failing case. */
  bail?: boolean;
}

/** Registers the suite with the page's mocha, runs it, and resolves with the counts, failures and skips. */
export function runConformance(options: BrowserRunOptions): Promise<ConformanceReport> {
  const mocha = (globalThis as { mocha?: BrowserMocha }).mocha;
  if (!mocha || typeof mocha.setup !== 'function') {
    return Promise.reject(new Error('runConformance needs mocha\'s browser build on globalThis: load node_modules/mocha/mocha.js with a <script> tag first'));
  }
  // A reporter that prints nothing: the report is the resolved value.
  function QuietReporter(): void { /* counts are collected from the runner below */ }
  mocha.setup({ ui: 'bdd', reporter: QuietReporter, timeout: options.timeoutMs ?? 20_000, bail: options.bail ?? false });
  if (options.grep) mocha.grep(options.grep);
  conformanceSuite(options);
  const report: ConformanceReport = { name: options.name, seconds: 0, passes: 0, failures: 0, pending: 0, failed: [], skipped: [] };
  const started = performance.now();
  return new Promise((resolve) => {
    const runner = mocha.run(() => {
      report.seconds = (performance.now() - started) / 1000;
      resolve(report);
    });
    runner.on('pass', () => { report.passes++; });
    runner.on('fail', (test, error) => {
      report.failures++;
      report.failed.push({ title: test.fullTitle(), error: String(error?.message ?? error) });
    });
    runner.on('pending', (test) => {
      report.pending++;
      report.skipped.push({ title: test.fullTitle(), reason: skipReason(test.title) });
    });
  });
}

export type { ConformanceReport } from './report.js';
