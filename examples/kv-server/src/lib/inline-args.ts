// Splits an inline command line into arguments the way Redis's sdssplitargs does.
//
// Words are separated by whitespace (C's isspace: space, \t, \n, \v, \f, \r). A double quote
// anywhere in a word starts a quoted part where \xHH, \n, \r, \t, \b, \a and \<char> escape; a
// single quote starts one where only \' escapes. A closing quote must be followed by whitespace or
// the end, else the line is malformed. A NUL byte ends the line (Redis reads it as a C string).

const ESCAPES: Record<number, number> = { 110: 10, 114: 13, 116: 9, 98: 8, 97: 7 }; // n r t b a

function isSpace(b: number | undefined): boolean {
  return b === 32 || (b !== undefined && b >= 9 && b <= 13);
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 97 && b <= 102) return b - 87;
  if (b >= 65 && b <= 70) return b - 55;
  return -1;
}

/** The words of `line`, or null when its quotes are unbalanced. */
export function splitInlineArgs(line: Uint8Array): Uint8Array[] | null {
  const nul = line.indexOf(0);
  const end = nul < 0 ? line.length : nul;
  const at = (i: number): number | undefined => (i < end ? line[i] : undefined);
  const words: Uint8Array[] = [];
  let p = 0;
  for (;;) {
    while (p < end && isSpace(line[p])) p++;
    if (p >= end) return words;
    const word: number[] = [];
    let quote: 0 | 34 | 39 = 0;
    for (let done = false; !done; p++) {
      const c = at(p);
      if (quote !== 0) {
        const next = at(p + 1);
        if (quote === 34 && c === 92 && next === 120 && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) {
          word.push(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
          p += 3;
        } else if (quote === 34 && c === 92 && next !== undefined) {
          word.push(ESCAPES[next] ?? next);
          p++;
        } else if (quote === 39 && c === 92 && next === 39) {
          word.push(39);
          p++;
        } else if (c === quote) {
          if (next !== undefined && !isSpace(next)) return null;
          done = true;
        } else if (c === undefined) {
          return null;
        } else {
          word.push(c);
        }
      } else if (c === undefined || c === 32 || c === 10 || c === 13 || c === 9) {
        done = true;
      } else if (c === 34 || c === 39) {
        quote = c;
      } else {
        word.push(c);
      }
    }
    words.push(Uint8Array.from(word));
  }
}
