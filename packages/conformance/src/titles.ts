// The suite's case titles, without running anything: for tables of results and for noticing that the suite changed.
import { conformanceSuite } from './suite.js';

type Fn = (...args: unknown[]) => unknown;

/**
 * Every case title of the suite, as "area › … › case [gate]", in registration order. Registers the
 * suite against a recording stand-in for mocha's BDD functions (restored afterwards).
 */
export function caseTitles(): string[] {
  const g = globalThis as Record<string, unknown>;
  const names = ['describe', 'it', 'before', 'after', 'afterEach'] as const;
  const saved = names.map((name) => g[name]);
  const path: string[] = [];
  const titles: string[] = [];
  g.describe = (title: string, register: Fn) => { path.push(title); try { register(); } finally { path.pop(); } };
  g.it = (title: string) => { titles.push([...path.slice(1), title].join(' › ')); };
  g.before = g.after = g.afterEach = () => undefined;
  try {
    conformanceSuite({ name: 'titles', create: () => { throw new Error('caseTitles() never creates a runtime'); } });
  } finally {
    names.forEach((name, i) => { g[name] = saved[i]; });
  }
  return titles;
}
