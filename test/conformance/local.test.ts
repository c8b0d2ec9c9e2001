// The conformance suite against the local runtime (virtual clock, simulated loopback network).
import { conformanceSuite } from '@runtime-traits/conformance';
import { LocalRuntime } from '@runtime-traits/local';

// A fixed seed: a failure here replays exactly. SIM_SEED explores other interleavings.
const seed = process.env.SIM_SEED ?? 1;

conformanceSuite({ name: 'local', create: (options) => LocalRuntime.create({ ...options, seed }) });
