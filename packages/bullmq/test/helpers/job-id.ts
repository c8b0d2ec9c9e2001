// The BullMQ job id behind a task handle (the handle is a plain promise; the id lives on its cell).
import type { Task } from '@runtime-traits/core';
import { cellOf } from '@runtime-traits/kit';
import type { RemoteTaskCell } from '../../src/internal/remote-cell.js';

export function jobIdOf(task: Task<unknown>): string {
  return (cellOf(task) as RemoteTaskCell<unknown>).jobId;
}
