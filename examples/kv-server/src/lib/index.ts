// The kv-server library: a Redis-protocol key-value server written only against @runtime-traits/core.
export { KvServer, KV_SERVER_OPTIONS } from './server.js';
export { KvClient, RedisError, parseReply } from './client.js';
export { Store } from './store.js';
export { Session } from './session.js';
export { ServerState, REDIS_VERSION } from './server-state.js';
export { RespParser, ProtocolError, MAX_BULK, MAX_QUERY_BUFFER, MAX_INLINE } from './resp-parser.js';
export { RespWriter } from './resp-writer.js';
export { COMMAND_NAMES, execute } from './commands/dispatch.js';
export { compileGlob } from './glob.js';

export type { Reply } from './client.js';
export type { CommandContext } from './commands/command.js';
export type { KvServerOptions } from './server-state.js';
export type { ParserLimits } from './resp-parser.js';
