// A two-host Simulation ('server', 'client') and the NetApi over it: node-compat on the simulated network.
import { Simulation } from '@runtime-traits/local';
import { compatApi, type NetApi } from '../fixtures/net-api.js';

export interface SimPair {
  sim: Simulation;
  api: NetApi;
  /** Runs `main` on the client host, driving the whole simulation until it settles. */
  run<T>(main: () => Promise<T>): Promise<T>;
}

export function simPair(seed = 7, latency = { min: 1, max: 3 }): SimPair {
  const sim = new Simulation({ seed, latency, keepTrace: false });
  const server = sim.host('server');
  const client = sim.host('client');
  const api = compatApi('simulation', client.reactor, server.reactor, { bindHost: '0.0.0.0', serverHost: 'server' });
  return { sim, api, run: (main) => client.run(main) };
}
