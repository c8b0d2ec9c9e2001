// Fault plans: what goes wrong and when (partitions and repairs, crashes and restarts, link changes), and the seeded generator.
import { seededRandom } from './internal/random.js';
import { show } from './internal/checks.js';

/** A range of one-way delays, in virtual ms. */
export interface Latency {
  /** Shortest delay. */
  min: number;
  /** Longest delay (at least `min`). */
  max: number;
}

/** One fault at virtual time `at` (ms since the simulation began). Plain JSON: plans travel between threads and into files. */
export type Fault =
  | {
    /** When, in virtual ms since the simulation began. */
    at: number;
    /** `partition`: packets between `a` and `b` stop; `repair`: they flow again. */
    kind: 'partition' | 'repair';
    /** One host of the link. */
    a: string;
    /** The other host of the link. */
    b: string;
  }
  | {
    /** When, in virtual ms since the simulation began. */
    at: number;
    /** `crash`: the host loses its tasks, timers and sockets; `restart`: it comes back empty. */
    kind: 'crash' | 'restart';
    /** The host. */
    host: string;
  }
  | {
    /** When, in virtual ms since the simulation began. */
    at: number;
    /** The link between `a` and `b` gets `latency` and `lossRate`. */
    kind: 'link';
    /** One host of the link. */
    a: string;
    /** The other host of the link. */
    b: string;
    /** The link's new one-way delay range. */
    latency: Latency;
    /** The link's new probability of losing a packet, 0..1. */
    lossRate: number;
  };

/** What goes wrong in one run, and when: faults in time order. Plain JSON. */
export interface FaultPlan {
  /** The faults, sorted by `at` (equal times keep their order). */
  faults: Fault[];
}

/** An episode `generatePlan` may draw: a partition and its repair, a crash and its restart, a degraded link and its return to baseline. */
export type FaultKind = 'partition' | 'crash' | 'link';

/** How `generatePlan` (and explore's `faults`) draws a plan. Each episode is a fault and its end. */
export interface FaultOptions {
  /** Which episodes may happen. Default: all three. */
  kinds?: FaultKind[];
  /** Episodes per plan, drawn uniformly from [min, max]. Default { min: 0, max: 4 }. */
  episodes?: {
    /** Fewest episodes. */
    min: number;
    /** Most episodes. */
    max: number;
  };
  /** Episodes start in [0, window) ms. Default 10 000. */
  window?: number;
  /** How long an episode lasts, ms. Default { min: 100, max: 5000 }. */
  duration?: {
    /** Shortest episode, ms. */
    min: number;
    /** Longest episode, ms. */
    max: number;
  };
  /** Hosts that may crash. Default: every host. */
  crashable?: string[];
  /** Links that may be cut or degraded. Default: every pair of hosts. */
  links?: Array<[string, string]>;
  /** What a link episode returns the link to. Default: the Simulation's defaults, latency 1..5 ms, no loss. */
  baseline?: {
    /** The link's normal one-way delay range. */
    latency: Latency;
    /** The link's normal loss probability, 0..1. */
    lossRate: number;
  };
}

/** `generatePlan`'s options: the simulation's hosts and how to draw faults among them. */
export type PlanOptions = {
  /** The names of the simulation's hosts (at least one). */
  hosts: string[];
} & FaultOptions;

const EMPTY: FaultPlan = Object.freeze({ faults: Object.freeze([]) as unknown as Fault[] });

/** The plan of no faults. */
export function emptyPlan(): FaultPlan {
  return EMPTY;
}

/**
 * A plan drawn from `seed` alone: the same seed and options give the same plan on every machine.
 * Episodes: a partition of two hosts then its repair; a crash then the restart; a link made slow
 * and lossy then put back to `baseline`.
 *
 * @param seed Any safe integer (explore passes the run's seed).
 * @param options The simulation's hosts and how to draw the faults.
 * @throws TypeError or RangeError, naming the option, when `seed` or an option is invalid.
 */
export function generatePlan(seed: number, options: PlanOptions): FaultPlan {
  if (!Number.isSafeInteger(seed)) throw new TypeError(`seed must be a safe integer, got ${show(seed)}`);
  const o = checkPlanOptions(options);
  const random = seededRandom(seed, 0x706c616e);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const kinds = o.kinds.filter((k) => (k === 'crash' ? o.crashable.length > 0 : o.links.length > 0));
  const faults: Fault[] = [];
  const count = kinds.length === 0 ? 0 : int(o.episodes.min, o.episodes.max);
  for (let i = 0; i < count; i++) {
    const kind = pick(kinds);
    const at = int(0, o.window - 1);
    const end = at + int(o.duration.min, o.duration.max);
    if (kind === 'crash') {
      const host = pick(o.crashable);
      faults.push({ at, kind: 'crash', host }, { at: end, kind: 'restart', host });
      continue;
    }
    const [a, b] = pick(o.links);
    if (kind === 'partition') {
      faults.push({ at, kind: 'partition', a, b }, { at: end, kind: 'repair', a, b });
    } else {
      const latency = { min: int(1, 50), max: 0 };
      latency.max = latency.min + int(0, 450);
      const lossRate = Math.round(random() * 30) / 100;
      faults.push({ at, kind: 'link', a, b, latency, lossRate }, { at: end, kind: 'link', a, b, ...o.baseline });
    }
  }
  return { faults: sortFaults(faults) };
}

/** Faults in time order; equal times keep their order. */
export function sortFaults(faults: readonly Fault[]): Fault[] {
  return faults.map((f, i) => [f, i] as const).sort((x, y) => x[0].at - y[0].at || x[1] - y[1]).map(([f]) => f);
}

/**
 * One line per fault, for messages: `1200 ms partition client-1 server; …`.
 * @throws TypeError (or RangeError) naming `plan` and the bad field when it is not a plan.
 */
export function describePlan(plan: FaultPlan): string {
  checkPlan(plan);
  if (plan.faults.length === 0) return '(no faults)';
  return plan.faults.map(describeFault).join('; ');
}

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'crash': case 'restart': return `${f.at} ms ${f.kind} ${f.host}`;
    case 'link': return `${f.at} ms link ${f.a} ${f.b} latency ${f.latency.min}..${f.latency.max} loss ${f.lossRate}`;
    default: return `${f.at} ms ${f.kind} ${f.a} ${f.b}`;
  }
}

/** Checks a plan's shape (from a file, say) and returns it; `TypeError` naming `arg` and the bad field otherwise. */
export function checkPlan(plan: unknown, arg = 'plan'): FaultPlan {
  const p = plan as FaultPlan;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.faults)) throw new TypeError(`${arg} must be { faults: Fault[] }, got ${show(plan)}`);
  p.faults.forEach((f, i) => checkFault(f, `${arg}.faults[${i}]`));
  return p;
}

function checkFault(f: Fault, arg: string): void {
  if (typeof f !== 'object' || f === null) throw new TypeError(`${arg} must be a fault object, got ${show(f)}`);
  if (typeof f.at !== 'number' || !Number.isFinite(f.at) || f.at < 0) throw new RangeError(`${arg}.at must be a time >= 0 in ms, got ${show(f.at)}`);
  const name = (v: unknown, field: string): void => {
    if (typeof v !== 'string' || v === '') throw new TypeError(`${arg}.${field} must be a host name, got ${show(v)}`);
  };
  switch (f.kind) {
    case 'crash': case 'restart': name(f.host, 'host'); return;
    case 'partition': case 'repair': name(f.a, 'a'); name(f.b, 'b'); return;
    case 'link':
      name(f.a, 'a'); name(f.b, 'b');
      checkLink(f, arg);
      return;
    default: throw new TypeError(`${arg}.kind must be partition, repair, crash, restart or link, got ${show((f as { kind: unknown }).kind)}`);
  }
}

/** A link's latency and loss, as `Simulation.setLink` takes them (numbers, not numeric strings). */
function checkLink(link: { latency: Latency; lossRate: number }, arg: string): void {
  const l = link.latency;
  if (typeof l !== 'object' || l === null || typeof l.min !== 'number' || typeof l.max !== 'number' || !Number.isFinite(l.max) || !(l.min >= 0) || !(l.max >= l.min)) {
    throw new RangeError(`${arg}.latency must be { min, max } numbers with 0 <= min <= max, got ${show(l)}`);
  }
  if (typeof link.lossRate !== 'number' || !(link.lossRate >= 0 && link.lossRate < 1)) throw new RangeError(`${arg}.lossRate must be >= 0 and < 1, got ${show(link.lossRate)}`);
}

/** The most episodes one plan may draw: each is two faults, and a plan is built whole before a run. */
const MAX_EPISODES = 10_000;

interface CheckedOptions {
  hosts: string[]; kinds: FaultKind[]; episodes: { min: number; max: number }; window: number;
  duration: { min: number; max: number }; crashable: string[]; links: Array<[string, string]>; baseline: { latency: Latency; lossRate: number };
}

export function checkPlanOptions(options: PlanOptions, arg = 'faults'): CheckedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${arg} must be { hosts, ...FaultOptions }, got ${show(options)}`);
  const hosts = options.hosts;
  if (!Array.isArray(hosts) || hosts.length === 0 || hosts.some((h) => typeof h !== 'string' || h === '')) {
    throw new TypeError(`${arg}.hosts must be a non-empty array of host names, got ${show(hosts)}`);
  }
  const kinds = options.kinds ?? ['partition', 'crash', 'link'];
  if (!Array.isArray(kinds) || kinds.some((k) => k !== 'partition' && k !== 'crash' && k !== 'link')) {
    throw new TypeError(`${arg}.kinds must list 'partition', 'crash' or 'link', got ${show(kinds)}`);
  }
  const range = (v: { min: number; max: number } | undefined, fallback: { min: number; max: number }, field: string, most: number) => {
    const r = v ?? fallback;
    if (typeof r !== 'object' || r === null || !Number.isInteger(r.min) || !Number.isInteger(r.max) || r.min < 0 || r.max < r.min || r.max > most) {
      throw new RangeError(`${arg}.${field} must be { min, max } integers with 0 <= min <= max <= ${most}, got ${show(v)}`);
    }
    return { min: r.min, max: r.max };
  };
  const window = options.window ?? 10_000;
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`${arg}.window must be an integer >= 1 (ms), got ${show(window)}`);
  const crashable = options.crashable ?? hosts;
  if (!Array.isArray(crashable) || crashable.some((h) => !hosts.includes(h))) {
    throw new TypeError(`${arg}.crashable must list hosts of ${arg}.hosts, got ${show(crashable)}`);
  }
  const links = options.links ?? hosts.flatMap((a, i) => hosts.slice(i + 1).map((b): [string, string] => [a, b]));
  if (!Array.isArray(links) || links.some((l) => !Array.isArray(l) || l.length !== 2 || l[0] === l[1] || !hosts.includes(l[0]) || !hosts.includes(l[1]))) {
    throw new TypeError(`${arg}.links must list [a, b] pairs of two different hosts of ${arg}.hosts, got ${show(links)}`);
  }
  return {
    hosts: [...hosts], kinds: [...kinds], window, crashable: [...crashable], links: links.map(([a, b]): [string, string] => [a, b]),
    episodes: range(options.episodes, { min: 0, max: 4 }, 'episodes', MAX_EPISODES),
    duration: range(options.duration, { min: 100, max: 5000 }, 'duration', Number.MAX_SAFE_INTEGER),
    baseline: checkBaseline(options.baseline, `${arg}.baseline`),
  };
}

function checkBaseline(baseline: { latency: Latency; lossRate: number } | undefined, arg: string): { latency: Latency; lossRate: number } {
  if (baseline === undefined) return { latency: { min: 1, max: 5 }, lossRate: 0 };
  if (typeof baseline !== 'object' || baseline === null) throw new TypeError(`${arg} must be { latency: { min, max }, lossRate }, got ${show(baseline)}`);
  checkLink(baseline, arg);
  return { latency: { min: baseline.latency.min, max: baseline.latency.max }, lossRate: baseline.lossRate };
}
