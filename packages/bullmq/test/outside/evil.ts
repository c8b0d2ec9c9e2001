// A task module outside the workers' --allow directory: they must refuse to import it.
import { defineTask } from '@runtime-traits/core';

export const evil = defineTask(import.meta.url, 'evil', (_cx): string => 'this must never run');
