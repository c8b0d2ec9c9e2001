// conformanceSuite: registers every area against one runtime factory (Level's abstract-level suite, tokio's rt_common).
import { bdd } from './bdd.js';
import { Harness, type ConformanceOptions } from './harness.js';
import { badInputArea } from './areas/bad-input.js';
import { clockArea } from './areas/clock.js';
import { dnsArea } from './areas/dns.js';
import { errorsArea } from './areas/errors.js';
import { executorArea } from './areas/executor.js';
import { shutdownArea } from './areas/shutdown.js';
import { streamsArea } from './areas/streams.js';
import { taskGroupArea } from './areas/task-group.js';
import { taskLifecycleArea } from './areas/task-lifecycle.js';
import { tcpArea } from './areas/tcp.js';
import { tcpCloseArea } from './areas/tcp-close.js';
import { tlsArea } from './areas/tls.js';
import { udpArea } from './areas/udp.js';
import { unixArea } from './areas/unix.js';

/** Every area, in the order they run. Titles are stable: use them with mocha's --grep. */
export const AREAS = [
  ['executor', executorArea],
  ['task lifecycle', taskLifecycleArea],
  ['TaskGroup', taskGroupArea],
  ['clock', clockArea],
  ['tcp', tcpArea],
  ['tcp (endings)', tcpCloseArea],
  ['udp', udpArea],
  ['unix sockets', unixArea],
  ['dns', dnsArea],
  ['tls', tlsArea],
  ['web streams', streamsArea],
  ['errors', errorsArea],
  ['shutdown', shutdownArea],
  ['bad input', badInputArea],
] as const;

/**
 * Registers the whole conformance suite with mocha's describe/it (call it at a test file's top level,
 * or after a Mocha instance's 'pre-require'). `create()` must return a fresh, started runtime each call;
 * every runtime it returns is shut down by the suite. Cases are skipped only by `runtime.capabilities`.
 *
 * @param options The adapter's `name` (in the suite's title), its `create(options?)`, and a per-case timeout.
 * @throws TypeError when `options.name` is not a non-empty string or `options.create` is not a function.
 */
export function conformanceSuite(options: ConformanceOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be { name, create }');
  if (typeof options.name !== 'string' || options.name === '') throw new TypeError('options.name must be a non-empty string');
  if (typeof options.create !== 'function') throw new TypeError('options.create must be a function returning a Runtime');
  const harness = new Harness(options);
  bdd().describe(`runtime-traits conformance: ${options.name}`, () => {
    harness.install();
    for (const [, register] of AREAS) register(harness);
  });
}
