// A Task whose body runs on some worker machine: cancelling it asks the dispatcher to stop the job there.
import { TaskCell, type TaskOwner } from '@runtime-traits/kit';

export class RemoteTaskCell<T> extends TaskCell<T> {
  /** The BullMQ job id: unique per runtime instance, so results of other producers are never confused with ours. */
  declare readonly jobId: string;
  /** When the job was handed to Redis (performance.now()); 0 while not yet sent. */
  declare sentAt: number;
  /** True once a worker reported the job active. */
  declare remoteActive: boolean;
  declare private readonly onAbort: (cell: RemoteTaskCell<T>, reason: unknown) => void;

  constructor(
    id: number,
    owner: TaskOwner,
    name: string | undefined,
    signal: AbortSignal | undefined,
    tag: string,
    onAbort: (cell: RemoteTaskCell<T>, reason: unknown) => void,
  ) {
    super(id, owner, name, signal);
    this.jobId = `${tag}-${id}`;
    this.sentAt = 0;
    this.remoteActive = false;
    this.onAbort = onAbort;
  }

  protected override abortRunning(reason: unknown): void {
    super.abortRunning(reason);
    this.onAbort(this, reason);
  }
}
