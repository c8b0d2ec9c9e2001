import { expect } from 'chai';
import { merge, randomNumbers, sortSeq, SORT_LEAF } from '../src/work/mergesort.js';

/** merge() on two sorted runs given as arrays, through a tmp of the same size. */
function mergeRuns(left: number[], right: number[]): number[] {
  const data = new Float64Array([...left, ...right]);
  merge(data, new Float64Array(data.length), 0, left.length, data.length);
  return [...data];
}

describe('merge sort (bench workload)', () => {
  it('merges when the left run outlasts the right, and the other way round', () => {
    expect(mergeRuns([1, 5, 8, 9], [2, 3])).to.deep.equal([1, 2, 3, 5, 8, 9]);
    expect(mergeRuns([4, 6], [1, 2, 5, 7, 8])).to.deep.equal([1, 2, 4, 5, 6, 7, 8]);
  });

  it('merges runs with equal numbers, an empty run, and runs already in order', () => {
    expect(mergeRuns([2, 2, 3], [2, 3, 3])).to.deep.equal([2, 2, 2, 3, 3, 3]);
    expect(mergeRuns([], [1, 2])).to.deep.equal([1, 2]);
    expect(mergeRuns([1, 2], [])).to.deep.equal([1, 2]);
    expect(mergeRuns([1, 2], [3, 4])).to.deep.equal([1, 2, 3, 4]);
    expect(mergeRuns([3, 4], [1, 2])).to.deep.equal([1, 2, 3, 4]);
  });

  it('merges only data[lo, hi) and leaves the rest alone, whichever run outlasts the other', () => {
    const leftLasts = new Float64Array([9, 9, 1, 4, 2, 3, 0, 0]);
    merge(leftLasts, new Float64Array(8), 2, 4, 6);
    expect([...leftLasts]).to.deep.equal([9, 9, 1, 2, 3, 4, 0, 0]);
    const rightLasts = new Float64Array([9, 9, 3, 4, 1, 2, 5, 0]);
    merge(rightLasts, new Float64Array(8), 2, 4, 7);
    expect([...rightLasts]).to.deep.equal([9, 9, 1, 2, 3, 4, 5, 0]);
  });

  it('sorts the same as TypedArray#sort across several leaves', () => {
    const n = SORT_LEAF * 5 + 17; // uneven halves, leaves of different sizes
    const data = randomNumbers(n);
    const expected = Float64Array.from(data).sort();
    sortSeq(data, new Float64Array(n), 0, n);
    expect(data).to.deep.equal(expected);
  });
});
