// redis-benchmark, the real one, against the kv-server app on every runtime: every request answered, no errors.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { redisCli, startServer } from './server-process.js';

const HAVE_BENCHMARK = existsSync('/usr/bin/redis-benchmark') || existsSync('/usr/local/bin/redis-benchmark');
const TESTS = ['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'MSET (10 keys)'];

for (const runtime of ['node', 'local', 'worksteal']) {
  describe(`kv-server under redis-benchmark -q -n 20000 -t ping,set,get,incr,mset (${runtime} runtime)`, function () {
    this.timeout(240_000);

    it('should complete every test without errors and keep what it wrote', async function () {
      if (!HAVE_BENCHMARK) this.skip(); // capability: redis-benchmark is not installed on this machine
      const server = await startServer(runtime);
      try {
        const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
          execFile('redis-benchmark', ['-p', String(server.port), '-q', '-n', '20000', '-t', 'ping,set,get,incr,mset'],
            { timeout: 230_000 }, (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })));
        });
        const results = stdout.split(/\r|\n/).filter((line) => /requests per second/.test(line));
        expect(results.map((line) => line.split(':')[0]!.trim()), stdout).to.deep.equal(TESTS);
        for (const line of results) expect(Number(/([\d.]+) requests per second/.exec(line)![1])).to.be.greaterThan(0);
        expect(`${stdout}${stderr}`).to.not.match(/error|WARNING/i);
        // Without -r, redis-benchmark uses the keys "key:__rand_int__" and "counter:__rand_int__".
        expect(await redisCli(server.port, ['EXISTS', 'key:__rand_int__'])).to.equal('1\n');
        expect(await redisCli(server.port, ['GET', 'counter:__rand_int__'])).to.equal('20000\n');
      } finally {
        expect(await server.stop(), server.output()).to.equal(0);
      }
    });
  });
}
