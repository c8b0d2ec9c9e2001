// The replay file: a seed, a fault plan and what they did — small JSON that shrink and simTest write and replay reads.
import { readFileSync, writeFileSync } from 'node:fs';
import { show } from './internal/checks.js';
import type { FailureInfo } from './internal/run-scenario.js';
import { checkPlan, type FaultPlan } from './plan.js';

/** A failing run as small JSON: the seed, the plan and what they did. shrink and simTest write it; replay reads it. */
export interface ReplayFile {
  /** The file format's version. */
  version: 1;
  /** Where the scenario lives: its module URL and export name. */
  scenario: {
    /** The scenario's module URL (its `import.meta.url`). */
    module: string;
    /** The name the scenario was defined under. */
    name: string;
  };
  /** The run's seed. */
  seed: number;
  /** The run's fault plan. */
  plan: FaultPlan;
  /** The trace hash the run had when the file was written. */
  traceHash: string;
  /** What failed then (no stack). */
  error?: Omit<FailureInfo, 'stack'>;
}

/** Writes `replay` to `path` as indented JSON, replacing any file there; fs errors (ENOENT for a missing folder…) are thrown. */
export function writeReplayFile(path: string, replay: ReplayFile): void {
  writeFileSync(path, `${JSON.stringify(replay, null, 2)}\n`);
}

/**
 * A replay from a path, or an object already read; its shape is checked.
 * @throws TypeError naming the file (or `arg`, for an object) and the field, when the file cannot be
 *   read or parsed, or lacks a seed or a valid plan.
 */
export function readReplay(fileOrReplay: string | ReplayFile, arg = 'fileOrReplay'): ReplayFile {
  let data: unknown = fileOrReplay;
  if (typeof fileOrReplay === 'string') {
    try {
      data = JSON.parse(readFileSync(fileOrReplay, 'utf8'));
    } catch (error) {
      throw new TypeError(`cannot read the replay file ${fileOrReplay}: ${(error as Error).message}`);
    }
  }
  const r = data as ReplayFile;
  const field = (name: string): string => replayField(fileOrReplay, name, arg);
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    throw new TypeError(`${typeof fileOrReplay === 'string' ? `the replay file ${fileOrReplay}` : arg} must hold { seed, plan, ... }, got ${show(data)}`);
  }
  if (!Number.isSafeInteger(r.seed)) throw new TypeError(`${field('seed')} must be the run's seed, a safe integer, got ${show(r.seed)}`);
  if (r.version !== undefined && r.version !== 1) throw new TypeError(`${field('version')}: this simtest reads version 1 replay files, got ${show(r.version)}`);
  if (r.traceHash !== undefined && typeof r.traceHash !== 'string') throw new TypeError(`${field('traceHash')} must be a string, got ${show(r.traceHash)}`);
  checkPlan(r.plan, field('plan'));
  return r;
}

/** How messages name a field of a replay: `replay file x.json: plan` when read from a path, `fileOrReplay.plan` for an object. */
export function replayField(fileOrReplay: string | ReplayFile, name: string, arg = 'fileOrReplay'): string {
  return typeof fileOrReplay === 'string' ? `replay file ${fileOrReplay}: ${name}` : `${arg}.${name}`;
}

export function withoutStack(error: FailureInfo | undefined): Omit<FailureInfo, 'stack'> | undefined {
  if (!error) return undefined;
  const { stack: _stack, ...rest } = error;
  return rest;
}
