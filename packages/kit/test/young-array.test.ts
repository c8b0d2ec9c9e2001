// youngArray: a fresh empty array every call, and (on V8) never born in the old generation, even where an `[]` literal's site has been pretenured.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { youngArray } from '../src/index.js';

const kitIndex = new URL('../src/index.js', import.meta.url).href;

/**
 * Arrays made the way a run's structures make them (one per object, kept alive a while, one entry
 * pushed), counted by whether V8 placed them in the old generation at birth: 200k from an `[]`
 * class field, then 200k from youngArray(). Needs V8's natives syntax (%InYoungGeneration). Run with
 * a young generation fixed at its largest size (1 MiB here), as in any long run: V8 turns a site's
 * survival count into a decision only at scavenges of a full-grown young generation.
 */
const probe = `
import { youngArray } from ${JSON.stringify(kitIndex)};
const young = new Function('o', 'return %InYoungGeneration(o)');
class Literal { items = []; }
class Young { items = youngArray(); }
function bornOld(make) {
  const keep = [];
  let old = 0;
  for (let i = 0; i < 200_000; i++) {
    const items = make().items;
    items.push(i);
    if (!young(items)) old++;
    keep.push(items);
    if (keep.length === 50_000) keep.length = 0;
  }
  return old;
}
console.log(JSON.stringify({ literal: bornOld(() => new Literal()), young: bornOld(() => new Young()) }));
`;

function hasNativesSyntax(): boolean {
  try {
    execFileSync(process.execPath, ['--allow-natives-syntax', '-e', "new Function('return %InYoungGeneration({})')()"], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('youngArray', () => {
  it('should return a new empty array on every call', () => {
    const a = youngArray<number>();
    const b = youngArray<number>();
    expect(Array.isArray(a)).to.equal(true);
    expect([a.length, b.length, a === b]).to.deep.equal([0, 0, false]);
    a.push(1);
    expect(b).to.deep.equal([]);
  });

  it('should never be born in the old generation where an [] literal of the same shape is (V8)', function () {
    if (!hasNativesSyntax()) this.skip(); // capability: V8's --allow-natives-syntax (%InYoungGeneration)
    this.timeout(60_000);
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--min-semi-space-size=1', '--max-semi-space-size=1', '--input-type=module', '-e', probe], { encoding: 'utf8' });
    const { literal, young } = JSON.parse(out) as { literal: number; young: number };
    // The literal's site is pretenured after its first arrays survive: the probe can see it happen
    // (when is V8's to decide: 190k of 200k were born old on Node 20, 91k in one run on Node 24).
    expect(literal, 'arrays from the [] literal born old').to.be.greaterThan(20_000);
    // A few may be born old when a young allocation fails right at a scavenge; a pretenured site is not few.
    expect(young, 'arrays from youngArray() born old').to.be.at.most(10);
  });
});
