// The Executor of a local runtime: every task runs on this thread, started from the deterministic ready queue.
import type { Awaitable, Executor, SpawnOptions, Task, TaskContext, TaskDef } from '@runtime-traits/core';
import { checkJoinArgs, checkJoinResult, checkFunction, checkSpawn, checkSpawnOptions } from '@runtime-traits/core/kit';
import { isVerified, resolveTask, TaskCell, TaskSet, type TaskOwner } from '@runtime-traits/kit';
import { captureContext, runInContext, type CapturedContext } from './host-globals.js';
import type { HostState } from './sim-net/host-state.js';
import type { Scheduler, Wakeable } from './scheduler.js';

/**
 * A task that starts its body when the ready queue wakes it (never inside the spawn call): the cell
 * is its own Wakeable. The body starts in the async context of the spawn when a compat layer
 * publishes one (host-globals.ts).
 */
class StartingCell<T> extends TaskCell<T> implements Wakeable {
  declare context: CapturedContext | undefined;

  wake(): void {
    const body = this.body!;
    this.body = undefined;
    if (this.context === undefined) this.run(body);
    else runInContext(this.context, () => this.run(body));
  }

  label(): string {
    return `${(this.runtime as unknown as { hostName: string }).hostName} start task ${this.id}${this.name === undefined ? '' : ` (${this.name})`}`;
  }
}

function makeStartingCell<T>(id: number, owner: TaskOwner, name: string | undefined, signal?: AbortSignal): TaskCell<T> {
  return new StartingCell<T>(id, owner, name, signal);
}

/** Starts a def's body (resolved asynchronously) when the ready queue wakes it, in the spawn's async context (as above). */
class TaskStart<T> implements Wakeable {
  private readonly context: CapturedContext | undefined;

  constructor(private readonly cell: TaskCell<T>, private readonly body: (cx: TaskContext) => Awaitable<T>, private readonly hostName: string) {
    this.context = captureContext(cell.runtime);
  }

  wake(): void {
    if (this.context === undefined) this.cell.run(this.body);
    else runInContext(this.context, () => this.cell.run(this.body));
  }

  label(): string {
    return `${this.hostName} start task ${this.cell.id}${this.cell.name === undefined ? '' : ` (${this.cell.name})`}`;
  }
}

/** A task whose TaskDef could not be resolved fails from the ready queue, like any other start. */
class TaskFailure implements Wakeable {
  constructor(private readonly cell: TaskCell<unknown>, private readonly error: unknown, private readonly hostName: string) {}

  wake(): void {
    if (this.cell.start()) this.cell.fail(this.error);
  }

  label(): string {
    return `${this.hostName} task ${this.cell.id} cannot start: its def does not resolve`;
  }
}

class Resume implements Wakeable {
  constructor(private readonly resolve: () => void, private readonly hostName: string) {}
  wake(): void {
    this.resolve();
  }
  label(): string {
    return `${this.hostName} yield resumed`;
  }
}

export class LocalExecutor implements Executor {
  constructor(
    private readonly tasks: TaskSet,
    private readonly scheduler: Scheduler,
    private readonly host: HostState,
    /** Holds the simulation still while a TaskDef's module is imported (false with a foreign reactor). */
    private readonly holdForImports: boolean,
  ) {}

  spawn<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
    return this.spawnDef(def, args, checkSpawn(def, args, opts), 'spawn');
  }

  spawnBlocking<A extends unknown[], R>(def: TaskDef<A, R>, args: A, opts?: SpawnOptions): Task<R> {
    return this.spawnDef(def, args, checkSpawn(def, args, opts), 'spawnBlocking');
  }

  spawnLocal<R>(fn: (cx: TaskContext) => Awaitable<R>, opts?: SpawnOptions): Task<R> {
    checkFunction(fn, 'fn');
    const options = opts === undefined ? undefined : checkSpawnOptions(opts);
    const cell = this.admit<R>(options, 'spawnLocal', makeStartingCell) as StartingCell<R>;
    if (!cell.isSettled()) {
      cell.body = fn;
      cell.context = captureContext(cell.runtime);
      this.scheduler.wakeSoon(cell);
    }
    return cell.handle;
  }

  join<A1 extends unknown[], R1, A2 extends unknown[], R2>(a: TaskDef<A1, R1>, aArgs: A1, b: TaskDef<A2, R2>, bArgs: A2): [R1, R2] {
    checkJoinArgs(a, aArgs, b, bArgs);
    this.checkUp();
    const cx = this.joinContext();
    const ra = checkJoinResult(a.fn(cx, ...aArgs), 'a');
    const rb = checkJoinResult(b.fn(cx, ...bArgs), 'b');
    return [ra, rb];
  }

  yieldNow(): Promise<void> {
    return new Promise<void>((resolve) => this.scheduler.wakeSoon(new Resume(resolve, this.host.name)));
  }

  private spawnDef<A extends unknown[], R>(def: TaskDef<A, R>, args: A, options: SpawnOptions | undefined, how: string): Task<R> {
    const cell = this.admit<R>(options, `${how} ${def.name}`);
    if (cell.isSettled()) return cell.handle;
    const scheduler = this.scheduler;
    const deliver = this.holdForImports && !isVerified(def as TaskDef<unknown[], unknown>)
      ? scheduler.hold()
      : (item: Wakeable) => scheduler.wakeSoon(item);
    const hostName = this.host.name;
    resolveTask(def).then(
      (found) => deliver(new TaskStart(cell, (cx) => found.fn(cx, ...args), hostName)),
      (error: unknown) => deliver(new TaskFailure(cell as TaskCell<unknown>, error, hostName)),
    );
    return cell.handle;
  }

  private admit<R>(options: SpawnOptions | undefined, what: string, make?: typeof makeStartingCell<R>): TaskCell<R> {
    this.checkUp();
    const cell = this.tasks.create<R>(options, make);
    if (this.scheduler.tracing) this.scheduler.record(`${this.host.name} ${what} task ${cell.id}${cell.name === undefined ? '' : ` (${cell.name})`}`);
    return cell;
  }

  private checkUp(): void {
    this.tasks.admit();
    const down = this.host.downError();
    if (down) throw down;
  }

  private joinContext(): TaskContext {
    let controller: AbortController | undefined;
    const runtime = this.tasks.runtime;
    return {
      get signal() {
        return (controller ??= new AbortController()).signal;
      },
      runtime,
    };
  }
}
