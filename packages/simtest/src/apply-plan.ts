// applyPlan: puts a fault plan on a simulation's virtual clock, so each fault happens at its instant, from the ready queue.
import type { Simulation } from '@runtime-traits/local';
import { checkPlan, type Fault, type FaultPlan, sortFaults } from './plan.js';

/**
 * Schedules every fault of `plan` on `sim` (`sim.at`). Every host a fault names must exist already
 * (call `sim.host(name)` first); a restart runs the host's `sim.onRestart` hooks, so register them
 * to bring its services back. Crashing a crashed host, restarting an up one, repairing an intact
 * link: nothing happens (shrunk plans may keep only one half of an episode).
 */
export function applyPlan(sim: Simulation, plan: FaultPlan): void {
  if (typeof sim !== 'object' || sim === null || typeof sim.at !== 'function' || typeof sim.hostNames !== 'function') {
    throw new TypeError(`sim must be a Simulation, got ${typeof sim}`);
  }
  checkPlanHosts(checkPlan(plan), sim.hostNames(), 'plan', 'this simulation');
  for (const fault of sortFaults(plan.faults)) sim.at(fault.at, () => applyFault(sim, fault), '');
}

/** TypeError naming `arg`'s first fault that names a host not in `hosts` (`where`'s hosts). */
export function checkPlanHosts(plan: FaultPlan, hosts: readonly string[], arg: string, where: string): void {
  const known = new Set(hosts);
  plan.faults.forEach((fault, i) => {
    for (const host of hostsOf(fault)) {
      if (!known.has(host)) throw new TypeError(`${arg}.faults[${i}] names host ${JSON.stringify(host)}, which ${where} does not have (hosts: ${hosts.join(', ')})`);
    }
  });
}

function applyFault(sim: Simulation, fault: Fault): void {
  switch (fault.kind) {
    case 'partition': sim.partition(fault.a, fault.b); break;
    case 'repair': sim.repair(fault.a, fault.b); break;
    case 'crash': sim.crash(fault.host); break;
    case 'restart': sim.restart(fault.host); break;
    case 'link': sim.setLink(fault.a, fault.b, { latency: fault.latency, lossRate: fault.lossRate }); break;
  }
}

function hostsOf(fault: Fault): string[] {
  return 'host' in fault ? [fault.host] : [fault.a, fault.b];
}
