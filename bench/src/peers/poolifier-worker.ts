// The tiny task as a poolifier ThreadWorker: x + 1.
import { ThreadWorker } from 'poolifier';

export default new ThreadWorker((x?: number): number => (x ?? 0) + 1);
