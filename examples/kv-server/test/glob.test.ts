// KEYS patterns: the glob dialect Redis documents.
import { expect } from 'chai';
import { compileGlob } from '../src/lib/glob.js';

const cases: Array<[pattern: string, key: string, expected: boolean]> = [
  ['*', 'anything', true],
  ['*', '', true],
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['h*llo', 'hllo', true],
  ['h*llo', 'heeeello', true],
  ['h*llo', 'hello!', false],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h[a-b]llo', 'hcllo', false],
  ['h\\*llo', 'h*llo', true],
  ['h\\*llo', 'hello', false],
  ['user:*:name', 'user:42:name', true],
  ['user:*:name', 'user:42:age', false],
  ['a*a*a*a*a*a*a*a*b', 'a'.repeat(200), false],
  ['*.txt', 'notes.txt.bak', false],
  ['*b*', 'abc', true],
];

describe('compileGlob(pattern)', () => {
  for (const [pattern, key, expected] of cases) {
    it(`should ${expected ? '' : 'not '}match ${JSON.stringify(key.length > 20 ? `${key.slice(0, 8)}…` : key)} with ${JSON.stringify(pattern)}`, () => {
      expect(compileGlob(pattern)(key)).to.equal(expected);
    });
  }
});
