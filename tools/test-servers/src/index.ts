// Throwaway real servers for tests: redis-server and PostgreSQL (with TLS) on 127.0.0.1, and a self-signed certificate.
export { freePort } from './free-port.js';
export { selfSignedCert } from './certs.js';
export { startRedis } from './redis.js';
export { startPostgres, findPostgresBin } from './postgres.js';

export type { Cert } from './certs.js';
export type { TestRedis } from './redis.js';
export type { TestPostgres } from './postgres.js';
