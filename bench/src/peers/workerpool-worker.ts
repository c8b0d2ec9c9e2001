// The tiny task registered with a workerpool worker thread: x + 1.
import workerpool from 'workerpool';

workerpool.worker({
  addOne: (x: number): number => x + 1,
});
