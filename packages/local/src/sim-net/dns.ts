// Name resolution on the simulated network: host names, 'localhost' and IP literals; anything else is ENOTFOUND.
import { NetError } from '@runtime-traits/core';
import type { HostState } from './host-state.js';
import type { Network } from './network.js';

export function lookupName(net: Network, from: HostState, hostname: string): Promise<string[]> {
  const place = net.locate(hostname, from);
  net.scheduler.record(`${from.name} lookup ${hostname}`);
  if (place.kind === 'host') return Promise.resolve([place.ip]);
  if (place.kind === 'nowhere') return Promise.resolve([hostname]); // an IP literal resolves to itself
  return Promise.reject(new NetError('ENOTFOUND', `getaddrinfo ENOTFOUND ${hostname}`, { syscall: 'getaddrinfo' }));
}
