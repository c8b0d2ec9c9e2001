// The merge sort every fork-join contender runs over a Float64Array (shared memory for the
// parallel ones): sort leaves natively, merge halves through a scratch array of the same size.

/** Ranges of at most this many elements are sorted with TypedArray#sort. */
export const SORT_LEAF = 8192;
/** Ranges above this many elements are split into two parallel halves; below, sequential. */
export const SORT_PAR_CUTOFF = 1 << 17;

/** Sorts data[lo, hi) in place, sequentially. */
export function sortSeq(data: Float64Array, tmp: Float64Array, lo: number, hi: number): void {
  if (hi - lo <= SORT_LEAF) {
    data.subarray(lo, hi).sort();
    return;
  }
  const mid = (lo + hi) >>> 1;
  sortSeq(data, tmp, lo, mid);
  sortSeq(data, tmp, mid, hi);
  merge(data, tmp, lo, mid, hi);
}

/**
 * Merges the sorted runs data[lo, mid) and data[mid, hi) into data[lo, hi), through tmp. When one
 * run is used up, what is left of the other is copied by TypedArray#set rather than by loops.
 */
export function merge(data: Float64Array, tmp: Float64Array, lo: number, mid: number, hi: number): void {
  let k = mergeFronts(data, tmp, lo, mid, hi);
  const i = leftAt;
  // A rest of the right run is already in place; a rest of the left run follows what tmp holds.
  if (i < mid) {
    tmp.set(data.subarray(i, mid), k);
    k += mid - i;
  }
  data.set(tmp.subarray(lo, k), lo);
}

/** Where mergeFronts stopped in the left run (a module variable, so no object per call). */
let leftAt = 0;

/**
 * Moves the smaller front of the two runs to tmp until one run is used up; returns tmp's end.
 * WHY a function of its own that ends with its loop: V8 compiles a long first call while it is still
 * inside the loop (on-stack replacement), before the code after the loop has ever run; with that
 * code in the same function, the compiled loop bailed out there on every later call (about 1,500
 * times per sort of 4M numbers). Nothing after this loop needs type feedback.
 */
function mergeFronts(data: Float64Array, tmp: Float64Array, lo: number, mid: number, hi: number): number {
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    const a = data[i]!;
    const b = data[j]!;
    if (a <= b) {
      tmp[k++] = a;
      i++;
    } else {
      tmp[k++] = b;
      j++;
    }
  }
  leftAt = i;
  return k;
}

/** n pseudo-random numbers from a fixed seed (xorshift), so every contender sorts the same input. */
export function randomNumbers(n: number, into?: Float64Array): Float64Array {
  const out = into ?? new Float64Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = (x >>> 0) / 4294967296;
  }
  return out;
}

export function isSorted(data: Float64Array): boolean {
  for (let i = 1; i < data.length; i++) if (data[i - 1]! > data[i]!) return false;
  return true;
}
