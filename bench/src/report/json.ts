// Reads and writes results/latest.json: the rows of every benchmark plus the machine and when each ran.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Machine } from '../harness/machine.js';
import type { BenchRow } from '../types.js';

export interface BenchRun {
  /** ISO time the benchmark started. */
  date: string;
  seconds: number;
  quick: boolean;
  machine: Machine;
  /** Set when the benchmark module could not run (missing file, missing service, crash). */
  skipped?: string;
  /** Set when the benchmark's process died part-way: its finished cases' rows are kept. */
  incomplete?: string;
}

export interface Results {
  /** How the figures were produced. */
  command: string;
  runs: Record<string, BenchRun>;
  rows: BenchRow[];
}

export function readResults(file: string): Results {
  if (!existsSync(file)) return { command: 'npm run bench', runs: {}, rows: [] };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Results;
  // NaN was written as null.
  for (const row of parsed.rows) for (const k of ['median', 'min', 'max'] as const) if (row[k] === null) row[k] = NaN;
  return parsed;
}

/** Replaces `bench`'s rows and run record, keeping every other benchmark's. */
export function mergeBench(results: Results, bench: string, run: BenchRun, rows: readonly BenchRow[]): Results {
  return {
    command: results.command,
    runs: { ...results.runs, [bench]: run },
    rows: [...results.rows.filter((r) => r.bench !== bench), ...rows],
  };
}

export function writeResults(file: string, results: Results): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
