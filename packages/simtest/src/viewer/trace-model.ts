// Reads a simulation trace (lines "<virtual ms> <what>") into what the viewer draws: hosts, task spans, messages, faults, failures.

/** One task's life on the timeline. */
export interface TaskSpan {
  /** The host it ran on. */
  host: string;
  /** Its task id on that host. */
  id: number;
  /** The name given at spawn, or null. */
  name: string | null;
  /** Virtual ms when it started. */
  start: number;
  /** Virtual ms when it settled; NaN while it had not settled by the end of the trace. */
  end: number;
  /** `running` (never settled), `completed`, `failed` or `cancelled`. */
  state: string;
}

/** One delivery across the simulated network. */
export interface Message {
  /** The sending host. */
  from: string;
  /** The receiving host. */
  to: string;
  /** Virtual ms when it was sent. */
  sent: number;
  /** Virtual ms when it arrived. */
  received: number;
  /** Payload size. */
  bytes: number;
  /** Which protocol carried it. */
  kind: 'tcp' | 'udp';
}

/** A fault seen in the trace. */
export interface FaultMark {
  /** Virtual ms when it happened. */
  at: number;
  /** Which fault. */
  kind: 'partition' | 'repair' | 'link' | 'crash' | 'restart';
  /** The hosts involved: one for crash and restart, the link's two otherwise. */
  hosts: string[];
  /** The trace line, for a tooltip. */
  text: string;
}

/** A moment worth marking on the timeline, with what to say about it. */
export interface Note {
  /** Virtual ms. */
  at: number;
  /** What happened. */
  text: string;
}

/** A trace as the viewer draws it (`readTrace`). */
export interface TraceModel {
  /** Host names, in the order they appeared. */
  hosts: string[];
  /** The last event's time (at least 1). */
  end: number;
  /** Lines in the trace (those not understood included). */
  events: number;
  /** Every task that started, in start order. */
  tasks: TaskSpan[];
  /** Every delivery, in arrival order. */
  messages: Message[];
  /** Every fault, in time order. */
  faults: FaultMark[];
  /** `always` failures (and, from a replay's error, the failure that ended the run). */
  failures: Note[];
  /** `sometimes` reached, buggify taken. */
  notes: Note[];
}

const LINE = /^(-?[\d.]+(?:e[+-]?\d+)?) (.*)$/;
const HOST = /^(\S+) HOST \S+$/;
const START = /^(\S+) start task (\d+)(?: \((.*)\))?$/;
const END = /^(\S+) task (\d+)(?: \((.*)\))? (completed|failed|cancelled)$/;
const ARRIVAL = /^(\S+) (?:#\d+|udp \d+) received (\d+) bytes from (\S+) sent ([\d.]+)$/;
const PAIR = /^(PARTITION|REPAIR) (\S+) (\S+)$/;
const LINK = /^LINK (\S+) (\S+) (.*)$/;
const LIFE = /^(\S+) (CRASH|RESTART)$/;

/** Parses `trace` (an array of lines, as `sim.trace()` returns). Lines it does not know are counted, not drawn. */
export function readTrace(trace: readonly string[]): TraceModel {
  if (!Array.isArray(trace) || trace.some((line) => typeof line !== 'string')) {
    throw new TypeError('trace must be an array of trace lines (JSON.stringify(sim.trace()))');
  }
  const model: TraceModel = { hosts: [], end: 1, events: trace.length, tasks: [], messages: [], faults: [], failures: [], notes: [] };
  const open = new Map<string, TaskSpan>();
  const hostSet = new Set<string>();
  const addHost = (name: string): void => {
    if (!hostSet.has(name)) { hostSet.add(name); model.hosts.push(name); }
  };
  for (const line of trace) {
    const m = LINE.exec(line);
    if (!m) continue;
    const at = Number(m[1]);
    const what = m[2]!;
    model.end = Math.max(model.end, at);
    let x: RegExpExecArray | null;
    if ((x = HOST.exec(what))) addHost(x[1]!);
    else if ((x = START.exec(what))) {
      const span: TaskSpan = { host: x[1]!, id: Number(x[2]), name: x[3] ?? null, start: at, end: NaN, state: 'running' };
      open.set(`${span.host}#${span.id}`, span);
      model.tasks.push(span);
    } else if ((x = END.exec(what))) {
      const span = open.get(`${x[1]}#${x[2]}`);
      if (span) { span.end = at; span.state = x[4]!; open.delete(`${x[1]}#${x[2]}`); }
    } else if ((x = ARRIVAL.exec(what))) {
      model.messages.push({ to: x[1]!, bytes: Number(x[2]), from: x[3]!, sent: Number(x[4]), received: at, kind: what.includes(' udp ') ? 'udp' : 'tcp' });
    } else if ((x = PAIR.exec(what))) {
      model.faults.push({ at, kind: x[1] === 'PARTITION' ? 'partition' : 'repair', hosts: [x[2]!, x[3]!], text: what });
    } else if ((x = LINK.exec(what))) {
      model.faults.push({ at, kind: 'link', hosts: [x[1]!, x[2]!], text: what });
    } else if ((x = LIFE.exec(what))) {
      model.faults.push({ at, kind: x[2]!.toLowerCase() as FaultMark['kind'], hosts: [x[1]!], text: what });
    } else if (what.startsWith('ALWAYS FAILED ')) {
      model.failures.push({ at, text: what.slice('ALWAYS FAILED '.length) });
    } else if (what.startsWith('SOMETIMES ') || what === 'BUGGIFY') {
      model.notes.push({ at, text: what });
    }
  }
  for (const span of open.values()) span.end = model.end;
  // Hosts named by events but never announced (a trace cut short) still get a lane.
  for (const span of model.tasks) addHost(span.host);
  for (const msg of model.messages) { addHost(msg.from); addHost(msg.to); }
  for (const fault of model.faults) for (const host of fault.hosts) addHost(host);
  return model;
}
