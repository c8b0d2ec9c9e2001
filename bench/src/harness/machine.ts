// Describes the machine the figures came from: cores, CPU model, Node version, load.
import os from 'node:os';

export interface Machine {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  memoryGiB: number;
  /** 1-minute load average when the run started and ended (the machine is shared). */
  loadStart: number;
  loadEnd?: number;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadStart: os.loadavg()[0]!,
  };
}

export function currentLoad(): number {
  return os.loadavg()[0]!;
}
