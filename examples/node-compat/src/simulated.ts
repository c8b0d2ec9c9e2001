// Recipe: unmodified Node code on a Simulation — an http server and undici on two simulated hosts, an hour of setTimeout, one seed, one trace.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { Simulation } from '@runtime-traits/local';
import { withNodeApis } from '@runtime-traits/node-compat';
import { runMain } from './run-main.js';

/** Two hosts: 'server' answers over node:http; 'client' asks it with undici, waits an hour, asks again. */
export async function helloTwice(sim: Simulation): Promise<string[]> {
  const server = sim.host('server');
  const client = sim.host('client');
  void withNodeApis(server, () => {
    http.createServer((req, res) => res.end(`hello at ${new Date().toISOString()}`)).listen(80);
  });
  return withNodeApis(client, () => client.run(async () => {
    const first = await (await request('http://server/')).body.text();
    await sleep(3_600_000);                                            // virtual: microseconds of real time
    const second = await (await request('http://server/')).body.text();
    return [first, second];
  }));
}

async function main(): Promise<void> {
  const report = await Simulation.checkDeterminism(helloTwice, { seed: 42, runs: 2 });  // same seed, same trace, or it throws
  for (const line of report.result) console.log(line);
}

runMain(import.meta, main);
