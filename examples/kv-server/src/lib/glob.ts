// Redis-style glob matching for KEYS: *, ?, [abc], [^a], [a-z] and \ escapes, on latin1 strings.
//
// HOW: the pattern is compiled once into tokens; matching is the classic two-pointer walk that
// remembers the last `*` and, on a mismatch, lets that star swallow one more character.
// WHY that is enough: with single-character tokens, backtracking to the latest star only is
// exact, and it runs in O(pattern × key) even for patterns like `a*a*a*a*b` that make a naive
// recursive matcher exponential.

type Token =
  | { kind: 'star' }
  | { kind: 'one' }
  | { kind: 'char'; code: number }
  | { kind: 'class'; negate: boolean; ranges: Array<[number, number]> };

export type Glob = (key: string) => boolean;

export function compileGlob(pattern: string): Glob {
  const tokens = tokenize(pattern);
  if (tokens.length === 1 && tokens[0]!.kind === 'star') return () => true;
  return (key) => matches(tokens, key);
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') {
      tokens.push({ kind: 'one' });
    } else if (c === '\\' && i + 1 < pattern.length) {
      tokens.push({ kind: 'char', code: pattern.charCodeAt(++i) });
    } else if (c === '[') {
      i = readClass(pattern, i + 1, tokens);
    } else {
      tokens.push({ kind: 'char', code: pattern.charCodeAt(i) });
    }
  }
  return tokens;
}

/** Reads a class starting after `[`; returns the index of its closing `]` (or the pattern's end). */
function readClass(pattern: string, from: number, tokens: Token[]): number {
  let i = from;
  const negate = pattern[i] === '^';
  if (negate) i++;
  const ranges: Array<[number, number]> = [];
  for (; i < pattern.length && pattern[i] !== ']'; i++) {
    if (pattern[i] === '\\' && i + 1 < pattern.length) i++;
    const low = pattern.charCodeAt(i);
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      const high = pattern.charCodeAt(i + 2);
      ranges.push(low <= high ? [low, high] : [high, low]);
      i += 2;
    } else {
      ranges.push([low, low]);
    }
  }
  tokens.push({ kind: 'class', negate, ranges });
  return i;
}

function matchesOne(token: Token, code: number): boolean {
  switch (token.kind) {
    case 'one': return true;
    case 'char': return token.code === code;
    case 'class': return token.ranges.some(([lo, hi]) => code >= lo && code <= hi) !== token.negate;
    case 'star': return false;
  }
}

function matches(tokens: Token[], key: string): boolean {
  let t = 0;
  let k = 0;
  let starToken = -1;
  let starKey = 0;
  while (k < key.length) {
    const token = tokens[t];
    if (token?.kind === 'star') {
      starToken = t++;
      starKey = k;
    } else if (token !== undefined && matchesOne(token, key.charCodeAt(k))) {
      t++;
      k++;
    } else if (starToken >= 0) {
      t = starToken + 1;
      k = ++starKey;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}
