// @runtime-traits/node-compat: node:net's sockets and servers over any runtime's Net, and withNodeApis — unmodified Node code inside any runtime.
export { toNodeSocket, createConnection, createSocket, createServer } from './factories.js';
export { serve } from './serve.js';
export { NodeSocket } from './node-socket.js';
export { NodeServer } from './node-server.js';
export { withNodeApis } from './with-node-apis.js';

export type { ToNodeSocketOptions, SocketOptions, ConnectTarget } from './factories.js';
export type { ServeOptions } from './serve.js';
export type { NodeServerOptions } from './node-server.js';
export type { NodeSocketInit } from './node-socket.js';
export type { NetSource } from './internal/source.js';
