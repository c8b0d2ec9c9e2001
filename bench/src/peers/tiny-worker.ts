// The tiny task for piscina and tinypool workers (their default export is the handler): x + 1.
export default function addOne(x: number): number {
  return x + 1;
}
