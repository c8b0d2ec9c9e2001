// Turns the samples of one case into BenchRows: summaries, ratios to the named baseline, targets.
import type { BenchRow } from '../types.js';
import type { Outcome } from './alternate.js';
import { orientedRatio, summarise } from './stats.js';

/** A target from the issues, judged on the medians of one case (contender name → median). */
export interface Target {
  /** The contender the target is about. */
  contender: string;
  text: string;
  met(medians: ReadonlyMap<string, number>): boolean;
}

export interface CaseSpec {
  bench: string;
  case: string;
  unit: string;
  better: 'higher' | 'lower';
  /** The contender every ratio is taken against. */
  baseline?: string;
  targets?: readonly Target[];
  /** Notes per contender, printed beside the figure (e.g. 'measured inside a worker'). */
  notes?: Readonly<Record<string, string>>;
}

export function toRows(spec: CaseSpec, outcomes: ReadonlyMap<string, Outcome>): BenchRow[] {
  const medians = new Map<string, number>();
  for (const [name, o] of outcomes) medians.set(name, summarise(o.samples).median);
  const base = spec.baseline === undefined ? NaN : medians.get(spec.baseline) ?? NaN;
  const rows: BenchRow[] = [];
  for (const [name, o] of outcomes) {
    const s = summarise(o.samples);
    const row: BenchRow = {
      bench: spec.bench, case: spec.case, contender: name, unit: spec.unit, better: spec.better, ...s,
    };
    if (spec.baseline !== undefined) {
      row.baseline = spec.baseline;
      if (Number.isFinite(s.median) && Number.isFinite(base)) row.ratio = orientedRatio(s.median, base, spec.better);
    }
    const targets = (spec.targets ?? []).filter((t) => t.contender === name);
    if (targets.length > 0) {
      const ok = Number.isFinite(s.median);
      row.target = { text: targets.map((t) => t.text).join('; '), met: ok && targets.every((t) => t.met(medians)) };
    }
    if (o.problem) {
      row.status = o.problem.status;
      row.note = o.problem.note;
    } else {
      row.status = 'ok';
      if (spec.notes?.[name]) row.note = spec.notes[name];
    }
    rows.push(row);
  }
  return rows;
}

/** Target helper: `contender`'s median is at least `factor` times better than `other`'s. */
export function atLeast(contender: string, factor: number, other: string, better: 'higher' | 'lower', text?: string): Target {
  return {
    contender,
    text: text ?? `>= ${factor}x ${other}`,
    met: (m) => {
      const a = m.get(contender) ?? NaN;
      const b = m.get(other) ?? NaN;
      return Number.isFinite(a) && Number.isFinite(b) && orientedRatio(a, b, better) >= factor;
    },
  };
}

/** Target helper: `contender`'s median reaches an absolute figure (e.g. 1M events/s). */
export function reaches(contender: string, threshold: number, better: 'higher' | 'lower', text: string): Target {
  return {
    contender,
    text,
    met: (m) => {
      const a = m.get(contender) ?? NaN;
      return Number.isFinite(a) && (better === 'higher' ? a >= threshold : a <= threshold);
    },
  };
}
