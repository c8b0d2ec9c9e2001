// The text of INFO: Redis's sections and the fields of each that this server can honestly report.
//
// Left out, because a library written only against @runtime-traits/core cannot know them: process
// id, memory use, CPU time, the OS. Clients read `loading` (ioredis waits while it is 1), `role`
// and `redis_version`; those are here.
import { REDIS_VERSION } from '../server-state.js';
import type { ServerState } from '../server-state.js';

type Section = (server: ServerState) => Array<[string, string | number]>;

const SECTIONS: Record<string, Section> = {
  server: (server) => {
    const uptime = Math.floor((server.clock.now() - server.startedAt) / 1000);
    return [
      ['redis_version', REDIS_VERSION],
      ['redis_mode', 'standalone'],
      ['implementation', 'runtime-traits kv-server'],
      ['arch_bits', 64],
      ['tcp_port', server.port],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
    ];
  },
  clients: (server) => [
    ['connected_clients', server.sessions.size],
    ['blocked_clients', 0],
  ],
  persistence: () => [
    ['loading', 0],
    ['async_loading', 0],
    ['rdb_changes_since_last_save', 0],
    ['aof_enabled', 0],
  ],
  stats: (server) => [
    ['total_connections_received', server.totalConnections],
    ['total_commands_processed', server.totalCommands],
    ['rejected_connections', 0],
  ],
  replication: () => [
    ['role', 'master'],
    ['connected_slaves', 0],
  ],
  keyspace: (server) => {
    const keys = server.store.size();
    return keys === 0 ? [] : [['db0', `keys=${keys},expires=${server.store.volatileSize()},avg_ttl=0`]];
  },
};

const TITLES: Record<string, string> = {
  server: 'Server', clients: 'Clients', persistence: 'Persistence', stats: 'Stats', replication: 'Replication', keyspace: 'Keyspace',
};

/** INFO's reply for the requested section names (none, `default`, `all`, `everything`: every section). */
export function infoText(server: ServerState, requested: readonly string[]): string {
  const every = requested.length === 0 || requested.some((name) => name === 'default' || name === 'all' || name === 'everything');
  const names = Object.keys(SECTIONS).filter((name) => every || requested.includes(name));
  return names.map((name) => {
    const lines = SECTIONS[name]!(server).map(([field, value]) => `${field}:${value}\r\n`).join('');
    return `# ${TITLES[name]}\r\n${lines}`;
  }).join('\r\n');
}
