// @runtime-traits/core: the interfaces a library codes against, and the tokens and errors that go with them.
/**
 * `@runtime-traits/core`: the Executor and Reactor interfaces a library codes against, the Runtime that
 * owns them, DI tokens, the error family, `defineTask`, `TaskGroup` and `toWebStreams`.
 * @module index
 */
export { CAPABILITIES } from './capabilities.js';
export { defineTask, lookupTask } from './define-task.js';
export {
  RuntimeError, CancelledError, TimeoutError, RuntimeShutdownError, UnsupportedError, WorkerCrashedError,
  DeadlockError, NetError,
} from './errors.js';
export { TaskGroup } from './task-group.js';
export { HOST_HOOKS, HOST_ORIGINALS, ASYNC_CONTEXT, NATIVE_NET, PUSH_IO } from './host-integration.js';
export { RUNTIME, EXECUTOR, REACTOR, CLOCK, NET } from './tokens.js';
export { toWebStreams } from './web-streams.js';

export type { Capability } from './capabilities.js';
export type { NetErrorCode } from './errors.js';
export type { Awaitable, Executor, SpawnOptions, Task, TaskContext, TaskDef, TaskState } from './executor.js';
export type {
  Clock, Connection, ConnectOptions, Datagram, Listener, ListenAddress, ListenOptions, Net, Reactor, SocketAddress,
  TlsClientOptions, TlsServerOptions, UdpSocket,
} from './reactor.js';
export type { Runtime, RuntimeMetrics, RuntimeOptions, ShutdownOptions } from './runtime.js';
export type { HostHooks, HostOriginals, AsyncContextHooks, NativeNet, NativeResource, PushIO, PushSink } from './host-integration.js';
export type { Token } from './tokens.js';
export type { WebStreamPair } from './web-streams.js';
