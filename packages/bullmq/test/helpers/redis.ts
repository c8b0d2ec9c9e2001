// The throwaway redis-server of the tests (no persistence, a free loopback port): the repo's shared test server.
export { startRedis, type TestRedis } from '@runtime-traits/test-servers';
