// The tiny task as a portable TaskDef, for the work-stealing runtime: x + 1.
import { defineTask } from '@runtime-traits/core';

export const addOne = defineTask(import.meta.url, 'addOne', (_cx, x: number): number => x + 1);
