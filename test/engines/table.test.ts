// docs/engines.md, the table CI writes, must describe the conformance suite as it is now, every engine and runtime CI runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TABLE = join(ROOT, 'docs', 'engines.md');

interface SuiteHash { suiteHash(): string; CONFORMANCE_ENGINES: string[]; RUNTIMES: string[] }
interface Quirk { runtimes: string[]; title: string; reason: string }

describe('docs/engines.md', () => {
  let text: string;
  let hash: SuiteHash;
  before(async () => {
    text = readFileSync(TABLE, 'utf8');
    hash = await import(pathToFileURL(join(ROOT, 'scripts', 'engines', 'suite-hash.mjs')).href) as SuiteHash;
  });

  it('should have been written for the suite as it is now (the hash of its case titles)', () => {
    const stored = /suite-hash: ([0-9a-f]+)/.exec(text)?.[1];
    const current = hash.suiteHash();
    expect(stored, `docs/engines.md was written for a suite hashing to ${stored ?? 'nothing'}, the suite now hashes to ${current}: `
      + 'run bash .ci/run (it rewrites docs/engines.md) and commit the table').to.equal(current);
  });

  it('should have a row for every engine CI runs, with a result for every runtime', () => {
    for (const engine of hash.CONFORMANCE_ENGINES) {
      const row = text.split('\n').find((line) => line.startsWith(`| ${engine} `));
      expect(row, `a row for ${engine}`).to.be.a('string');
      const cells = row!.split('|').slice(2, -1).map((cell) => cell.trim());
      expect(cells, `${engine}'s cells, one per runtime`).to.have.length(hash.RUNTIMES.length);
      const browser = engine.startsWith('chromium');
      hash.RUNTIMES.forEach((runtime, i) => {
        if (browser && runtime !== 'local') expect(cells[i], `${engine} × ${runtime} (not run in a browser)`).to.equal('—');
        else expect(cells[i], `${engine} × ${runtime}: passed / failed / skipped`).to.match(/^\d+ \/ \d+ \/ \d+( \/ \d+ excluded)?$/);
      });
    }
  });

  it('should name the reason of every case CI excludes on an engine', () => {
    const quirks = JSON.parse(readFileSync(join(ROOT, 'scripts', 'engines', 'quirks.json'), 'utf8')) as Record<string, Quirk[] | string>;
    for (const [engine, list] of Object.entries(quirks)) {
      if (typeof list === 'string') continue;
      for (const quirk of list) expect(text, `the reason ${engine} excludes "${quirk.title}"`).to.contain(quirk.reason);
    }
  });
});
