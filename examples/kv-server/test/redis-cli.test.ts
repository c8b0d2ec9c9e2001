// The kv-server app as a Redis: driven by the real redis-cli (and a raw socket) on every runtime.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { redisCli, startServer } from './server-process.js';
import type { ServerProcess } from './server-process.js';

const HAVE_REDIS_CLI = existsSync('/usr/bin/redis-cli') || existsSync('/usr/local/bin/redis-cli');

/** Writes raw bytes and collects everything the server sends until it closes or `until` matches. */
function raw(port: number, data: string, until?: RegExp): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const done = (closed: boolean) => { socket.destroy(); resolve({ text, closed }); };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => { text += chunk; if (until?.test(text)) done(false); });
    socket.on('end', () => done(true));
    socket.on('error', reject);
    socket.write(data);
  });
}

for (const runtime of ['node', 'local', 'worksteal']) {
  describe(`kv-server on the ${runtime} runtime, driven by redis-cli`, function () {
    this.timeout(60_000);
    let server: ServerProcess;

    before(async function () {
      if (!HAVE_REDIS_CLI) this.skip(); // capability: redis-cli is not installed on this machine
      server = await startServer(runtime);
    });

    after(async () => {
      if (!server) return;
      const code = await server.stop();
      expect(code, server.output()).to.equal(0);
    });

    it('should answer PING, ECHO, SET and GET', async () => {
      expect(await redisCli(server.port, ['PING'])).to.equal('PONG\n');
      expect(await redisCli(server.port, ['ECHO', 'hello world'])).to.equal('hello world\n');
      expect(await redisCli(server.port, ['SET', 'greeting', 'héllo'])).to.equal('OK\n');
      expect(await redisCli(server.port, ['GET', 'greeting'])).to.equal('héllo\n');
    });

    it('should speak RESP3 to redis-cli -3 (a map printed as key and value on one line) and RESP2 without it', async () => {
      expect(await redisCli(server.port, ['-3', 'CONFIG', 'GET', 'appendonly'])).to.equal('appendonly no\n');
      expect(await redisCli(server.port, ['CONFIG', 'GET', 'appendonly'])).to.equal('appendonly\nno\n');
      expect(await redisCli(server.port, ['-3', 'HELLO'])).to.match(/^server redis\nversion \S+\nproto 3\nid \d+\n/);
      expect(await redisCli(server.port, ['-3', 'INFO', 'replication'])).to.match(/^# Replication\r\nrole:master\r\n/);
    });

    it('should count with INCR, DEL, EXISTS and DBSIZE', async () => {
      await redisCli(server.port, ['FLUSHDB']);
      expect(await redisCli(server.port, ['INCR', 'hits'])).to.equal('1\n');
      expect(await redisCli(server.port, ['INCR', 'hits'])).to.equal('2\n');
      await redisCli(server.port, ['SET', 'other', 'x']);
      expect(await redisCli(server.port, ['EXISTS', 'hits', 'other', 'nope'])).to.equal('2\n');
      expect(await redisCli(server.port, ['DBSIZE'])).to.equal('2\n');
      expect(await redisCli(server.port, ['DEL', 'hits', 'nope'])).to.equal('1\n');
      expect(await redisCli(server.port, ['DBSIZE'])).to.equal('1\n');
    });

    it('should set deadlines with SET EX, PX and EXPIRE, and report them with TTL', async () => {
      await redisCli(server.port, ['SET', 'session', 'abc', 'EX', '100']);
      expect(Number(await redisCli(server.port, ['TTL', 'session']))).to.be.within(99, 100);
      await redisCli(server.port, ['SET', 'forever', 'x']);
      expect(await redisCli(server.port, ['TTL', 'forever'])).to.equal('-1\n');
      expect(await redisCli(server.port, ['EXPIRE', 'forever', '50'])).to.equal('1\n');
      expect(Number(await redisCli(server.port, ['TTL', 'forever']))).to.be.within(49, 50);
      expect(await redisCli(server.port, ['TTL', 'missing'])).to.equal('-2\n');
      await redisCli(server.port, ['SET', 'blink', 'x', 'PX', '1']);
      await new Promise((resolve) => setTimeout(resolve, 20)); // real time: the server runs on a real clock here
      expect(await redisCli(server.port, ['GET', 'blink'])).to.equal('\n');
    });

    it('should list KEYS by glob pattern', async () => {
      await redisCli(server.port, ['FLUSHDB']);
      for (const key of ['user:1', 'user:2', 'user:10', 'order:1']) await redisCli(server.port, ['SET', key, 'x']);
      const keys = (await redisCli(server.port, ['KEYS', 'user:?'])).trim().split('\n').sort();
      expect(keys).to.deep.equal(['user:1', 'user:2']);
      expect((await redisCli(server.port, ['KEYS', '*'])).trim().split('\n')).to.have.length(4);
    });

    it('should reply with an error to an unknown command and keep serving', async () => {
      expect(await redisCli(server.port, ['FROBNICATE', 'x'])).to.match(/^ERR unknown command 'FROBNICATE'/);
      expect(await redisCli(server.port, ['PING'])).to.equal('PONG\n');
    });

    it('should take 1000 pipelined commands from redis-cli --pipe', async () => {
      await redisCli(server.port, ['FLUSHDB']);
      let input = '';
      for (let i = 0; i < 1000; i++) input += `*3\r\n$3\r\nSET\r\n$${`key:${i}`.length}\r\nkey:${i}\r\n$${String(i).length}\r\n${i}\r\n`;
      const report = await redisCli(server.port, ['--pipe'], input);
      expect(report).to.match(/errors: 0, replies: 1000/);
      expect(await redisCli(server.port, ['DBSIZE'])).to.equal('1000\n');
      expect(await redisCli(server.port, ['GET', 'key:999'])).to.equal('999\n');
    });

    it('should answer a pipelined burst on one socket in order', async () => {
      const { text } = await raw(server.port, 'SET p 1\r\nINCR p\r\nGET p\r\n*1\r\n$4\r\nPING\r\n', /\+PONG\r\n$/);
      expect(text).to.equal('+OK\r\n:2\r\n$1\r\n2\r\n+PONG\r\n');
    });

    it('should reply -ERR Protocol error to a malformed frame and close only that connection', async () => {
      const { text, closed } = await raw(server.port, '*1\r\n$4\r\nPING\r\n*2\r\n+oops\r\n');
      expect(text).to.equal("+PONG\r\n-ERR Protocol error: expected '$', got '+'\r\n");
      expect(closed).to.equal(true);
      expect(await redisCli(server.port, ['PING'])).to.equal('PONG\n');
    });

    it('should reply OK to QUIT and then close the connection', async () => {
      const { text, closed } = await raw(server.port, 'QUIT\r\nPING\r\n');
      expect(text).to.equal('+OK\r\n');
      expect(closed).to.equal(true);
    });
  });
}
