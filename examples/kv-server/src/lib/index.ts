// The kv-server library: a Redis-protocol key-value server written only against @runtime-traits/core.
export { KvServer } from './server.js';
export { KvClient, RedisError } from './client.js';
export { Store } from './store.js';
export { RespParser, ProtocolError } from './resp-parser.js';
export { RespWriter } from './resp-writer.js';
export { COMMAND_NAMES, execute } from './commands.js';
export { compileGlob } from './glob.js';

export type { Reply } from './client.js';
export type { CommandContext } from './commands.js';
