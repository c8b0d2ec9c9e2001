// mocha's BDD functions as mocha installs them on globalThis (its CLI, the conformance CLI's pre-require, mocha.setup('bdd') in a page).
//
// The suite reads them at registration time instead of importing 'mocha' (whose package entry is
// Node's), so the same suite registers under mocha in Node, Bun, Deno and a browser page.
import type Mocha from 'mocha';

export interface Bdd {
  describe: Mocha.SuiteFunction;
  it: Mocha.TestFunction;
  before: Mocha.HookFunction;
  after: Mocha.HookFunction;
  afterEach: Mocha.HookFunction;
}

export function bdd(): Bdd {
  const g = globalThis as Partial<Bdd>;
  for (const name of ['describe', 'it', 'before', 'after', 'afterEach'] as const) {
    if (typeof g[name] !== 'function') {
      throw new Error(`conformanceSuite needs mocha's BDD interface on globalThis (${name} is ${typeof g[name]}): `
        + 'call it from a file mocha loads, after a Mocha instance\'s pre-require, or after mocha.setup(\'bdd\') in a page');
    }
  }
  return g as Bdd;
}
