// Median, min and max of a sample set: the only statistics a row carries.

export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number;
}

/** Summarises samples; an empty set gives NaN figures (the row then says why it has none). */
export function summarise(samples: readonly number[]): Summary {
  if (samples.length === 0) return { median: NaN, min: NaN, max: NaN, samples: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples: sorted.length };
}

/** `value / base`, oriented so that > 1 means `value` is better. */
export function orientedRatio(value: number, base: number, better: 'higher' | 'lower'): number {
  return better === 'higher' ? value / base : base / value;
}
