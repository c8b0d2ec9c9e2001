// redis-benchmark, the real one, against the kv-server on the node runtime: every request answered, no errors.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { redisCli, startServer } from './server-process.js';

const HAVE_BENCHMARK = existsSync('/usr/bin/redis-benchmark') || existsSync('/usr/local/bin/redis-benchmark');

describe('kv-server under redis-benchmark -q -n 20000 -t set,get (node runtime)', function () {
  this.timeout(180_000);

  it('should complete both tests without errors and keep every key it wrote', async function () {
    if (!HAVE_BENCHMARK) this.skip(); // capability: redis-benchmark is not installed on this machine
    const server = await startServer('node');
    try {
      const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
        execFile('redis-benchmark', ['-p', String(server.port), '-q', '-n', '20000', '-t', 'set,get'], { timeout: 170_000 },
          (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })));
      });
      const results = stdout.split(/\r|\n/).filter((line) => /requests per second/.test(line));
      expect(results.map((line) => line.split(':')[0]!.trim())).to.deep.equal(['SET', 'GET']);
      for (const line of results) expect(Number(/([\d.]+) requests per second/.exec(line)![1])).to.be.greaterThan(0);
      expect(`${stdout}${stderr}`).to.not.match(/error|WARNING/i);
      // Without -r, redis-benchmark SETs and GETs the one key "key:__rand_int__" with a 3-byte value.
      expect(await redisCli(server.port, ['EXISTS', 'key:__rand_int__'])).to.equal('1\n');
    } finally {
      expect(await server.stop(), server.output()).to.equal(0);
    }
  });
});
