// Capability names: what a runtime can do, so callers and the conformance suite can ask first.

export const CAPABILITIES = [
  'spawn.parallel',
  'spawn.blocking',
  'spawn.distributed',
  'join.parallel',
  'time.virtual',
  'net.tcp',
  'net.udp',
  'net.unix',
  'net.dns',
  'net.tls',
  'net.reusePort',
  'net.simulated',
] as const;

export type Capability = (typeof CAPABILITIES)[number];
