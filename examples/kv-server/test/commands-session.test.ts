// Commands that depend on the connection, the server or the clock — what a differential test
// against redis-server cannot pin down: HELLO, CLIENT, INFO, TIME, SCAN across changes, WATCH and expiry.
import { expect } from 'chai';
import { execute } from '../src/lib/commands/dispatch.js';
import type { CommandContext } from '../src/lib/commands/command.js';
import { RespWriter } from '../src/lib/resp-writer.js';
import { REDIS_VERSION, ServerState } from '../src/lib/server-state.js';
import { ManualClock } from './manual-clock.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function world() {
  const clock = new ManualClock();
  const server = new ServerState(clock);
  const connect = (address = '127.0.0.1:50000') => {
    const cx: CommandContext = { server, store: server.store, session: server.open(address, '127.0.0.1:6379'), out: new RespWriter() };
    return (...args: string[]) => {
      execute(args.map((a) => enc.encode(a)), cx);
      return dec.decode(cx.out.take());
    };
  };
  return { clock, server, connect };
}

const helloMap = (proto: number, head: string) => `${head}\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$${REDIS_VERSION.length}\r\n${REDIS_VERSION}\r\n`
  + `$5\r\nproto\r\n:${proto}\r\n$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n`;

describe('HELLO and the protocol of a connection', () => {
  it('should answer HELLO 2 with the server info as a flat array, and refuse protocols other than 2 and 3', () => {
    const run = world().connect();
    expect(run('HELLO', '2', 'SETNAME', 'svc')).to.equal(helloMap(2, '*14'));
    expect(run('CLIENT', 'GETNAME')).to.equal('$3\r\nsvc\r\n');
    expect(run('HELLO', '2', 'AUTH', 'bob', 'pw')).to.equal('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(run('HELLO', '4')).to.equal('-NOPROTO unsupported protocol version\r\n');
    expect(run('HELLO', '1')).to.equal('-NOPROTO unsupported protocol version\r\n');
  });

  it('should switch to RESP3 on HELLO 3: its own reply a map, then nulls, maps and verbatim strings, until HELLO 2 or RESET', () => {
    const run = world().connect();
    expect(run('GET', 'nope')).to.equal('$-1\r\n');
    expect(run('HELLO', '3', 'AUTH', 'default', 'any')).to.equal(helloMap(3, '%7'));
    expect(run('GET', 'nope')).to.equal('_\r\n');
    expect(run('MGET', 'nope', 'nope')).to.equal('*2\r\n_\r\n_\r\n');
    expect(run('CLIENT', 'GETNAME')).to.equal('_\r\n');
    expect(run('CONFIG', 'GET', 'appendonly', 'databases')).to.equal('%2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n$9\r\ndatabases\r\n$1\r\n1\r\n');
    expect(run('INFO', 'persistence')).to.match(/^=\d+\r\ntxt:# Persistence\r\nloading:0\r\n/);
    const info = run('INFO', 'replication');
    expect(Number(/^=(\d+)\r\n/.exec(info)![1])).to.equal(info.length - info.indexOf('\n') - 1 - 2);
    expect(run('CLIENT', 'INFO')).to.match(/^=\d+\r\ntxt:id=1 .* resp=3 /);
    expect(run('HELLO')).to.equal(helloMap(3, '%7'));
    expect(run('HELLO', '2')).to.equal(helloMap(2, '*14'));
    expect(run('GET', 'nope')).to.equal('$-1\r\n');
    expect(run('CONFIG', 'GET', 'databases')).to.equal('*2\r\n$9\r\ndatabases\r\n$1\r\n1\r\n');
    run('HELLO', '3');
    expect(run('RESET')).to.equal('+RESET\r\n');
    expect(run('GET', 'nope')).to.equal('$-1\r\n');
    expect(run('CLIENT', 'INFO')).to.match(/^\$\d+\r\nid=1 .* resp=2 /);
  });

  it('should answer a WATCHed transaction that lost its race with the RESP3 null, and keep each connection on its own protocol', () => {
    const { connect } = world();
    const three = connect();
    const two = connect();
    three('HELLO', '3');
    three('WATCH', 'k');
    two('SET', 'k', 'changed');
    three('MULTI');
    three('GET', 'nope');
    expect(three('EXEC')).to.equal('_\r\n');
    expect(two('GET', 'nope')).to.equal('$-1\r\n');
    expect(two('CLIENT', 'LIST')).to.match(/^\$\d+\r\n.* resp=3 .*\n.* resp=2 /);
  });
});

describe('CLIENT', () => {
  it('should give each connection its own increasing ID, name and library info, and list them all', () => {
    const { connect } = world();
    const first = connect('127.0.0.1:1111');
    const second = connect('127.0.0.1:2222');
    expect(first('CLIENT', 'ID')).to.equal(':1\r\n');
    expect(second('CLIENT', 'ID')).to.equal(':2\r\n');
    expect(first('CLIENT', 'SETINFO', 'LIB-NAME', 'ioredis')).to.equal('+OK\r\n');
    expect(first('CLIENT', 'SETINFO', 'lib-ver', '5.11.1')).to.equal('+OK\r\n');
    expect(first('CLIENT', 'SETINFO', 'LIB-NAME', 'two words')).to.equal('-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n');
    expect(first('CLIENT', 'SETINFO', 'LIB-COLOR', 'red')).to.equal("-ERR Unrecognized option 'LIB-COLOR'\r\n");
    expect(first('CLIENT', 'SETINFO', 'LIB-NAME')).to.equal("-ERR wrong number of arguments for 'client|setinfo' command\r\n");
    expect(second('CLIENT', 'SETNAME', 'worker')).to.equal('+OK\r\n');
    expect(first('CLIENT', 'INFO')).to.match(/^\$\d+\r\nid=1 addr=127\.0\.0\.1:1111 laddr=127\.0\.0\.1:6379 name= .* lib-name=ioredis lib-ver=5\.11\.1\n\r\n$/);
    const list = first('CLIENT', 'LIST');
    expect(list).to.contain('id=1 addr=127.0.0.1:1111').and.contain('id=2 addr=127.0.0.1:2222 laddr=127.0.0.1:6379 name=worker');
    expect(first('CLIENT', 'KILL', 'x')).to.equal("-ERR unknown subcommand 'KILL'. Try CLIENT HELP.\r\n");
  });
});

describe('INFO and TIME', () => {
  it('should report loading:0, the role, the clients and the keyspace, section by section', () => {
    const { connect, clock } = world();
    const run = connect();
    connect();
    run('SET', 'a', '1');
    run('SET', 'b', '1', 'EX', '100');
    clock.advance(90_000);
    const all = run('INFO');
    expect(all).to.contain('loading:0\r\n').and.contain('role:master\r\n').and.contain('connected_clients:2\r\n')
      .and.contain(`redis_version:${REDIS_VERSION}\r\n`).and.contain('uptime_in_seconds:90\r\n').and.contain('db0:keys=2,expires=1,avg_ttl=0\r\n');
    const keyspace = run('INFO', 'KEYSPACE');
    expect(keyspace).to.match(/^\$\d+\r\n# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n\r\n$/);
    expect(run('INFO', 'nosuchsection')).to.equal('$0\r\n\r\n');
  });

  it('should tell the wall time in seconds and microseconds', () => {
    const { connect, clock } = world();
    const run = connect();
    clock.advance(1_234.5678);
    expect(run('TIME')).to.equal(`*2\r\n$10\r\n${Math.floor(clock.wallClock() / 1000)}\r\n$6\r\n234567\r\n`);
  });
});

describe('SCAN', () => {
  it('should return every key present from start to end at least once, whatever is deleted and added meanwhile', () => {
    const { connect } = world();
    const run = connect();
    for (let i = 0; i < 200; i++) run('SET', `k${i}`, 'x');
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const reply = run('SCAN', cursor, 'COUNT', '7');
      const [, , next, ...rest] = reply.split('\r\n');
      cursor = next!;
      for (const line of rest) if (/^k\d+$/.test(line) || /^new\d+$/.test(line)) seen.add(line);
      // Delete keys with odd numbers below 100 and add new ones while iterating.
      run('DEL', `k${2 * round + 1}`);
      run('SET', `new${round}`, 'x');
      round++;
    } while (cursor !== '0' && round < 1000);
    expect(round, 'the iteration ended').to.be.below(1000);
    for (let i = 0; i < 200; i++) if (i >= 100 || i % 2 === 0) expect(seen.has(`k${i}`), `k${i}`).to.equal(true);
    expect(run('SCAN', '0', 'TYPE', 'hash', 'COUNT', '1000')).to.equal('*2\r\n$1\r\n0\r\n*0\r\n');
    expect(run('SCAN', '0', 'TYPE', 'blob')).to.equal("-ERR unknown type name 'blob'\r\n");
  });
});

describe('WATCH and expiry', () => {
  it('should fail EXEC when a watched key expired meanwhile, and not when it was already gone', () => {
    const { connect, clock } = world();
    const run = connect();
    run('SET', 'lease', 'me', 'PX', '100');
    run('WATCH', 'lease');
    clock.advance(200);
    run('MULTI');
    run('SET', 'lease', 'again');
    expect(run('EXEC')).to.equal('*-1\r\n');
    run('WATCH', 'lease'); // missing now: its absence is not a change
    run('MULTI');
    run('SET', 'lease', 'again');
    expect(run('EXEC')).to.equal('*1\r\n+OK\r\n');
  });

  it('should fail EXEC when another connection touched a watched key, and clear every watch with RESET', () => {
    const { connect } = world();
    const mine = connect();
    const theirs = connect();
    mine('WATCH', 'k');
    theirs('SET', 'k', 'v');
    mine('MULTI');
    expect(mine('GET', 'k')).to.equal('+QUEUED\r\n');
    expect(mine('EXEC')).to.equal('*-1\r\n');
    mine('WATCH', 'k');
    expect(mine('RESET')).to.equal('+RESET\r\n');
    theirs('SET', 'k', 'w');
    mine('MULTI');
    mine('GET', 'k');
    expect(mine('EXEC')).to.equal('*1\r\n$1\r\nw\r\n');
  });
});

describe('EXPIRE with NX, XX, GT and LT', () => {
  it('should set a deadline only when the condition holds, comparing deadlines on the clock', () => {
    const { connect } = world();
    const run = connect();
    run('SET', 'k', 'v');
    expect(run('EXPIRE', 'k', '100', 'XX')).to.equal(':0\r\n');
    expect(run('EXPIRE', 'k', '100', 'GT')).to.equal(':0\r\n'); // no deadline counts as infinite
    expect(run('EXPIRE', 'k', '100', 'NX')).to.equal(':1\r\n');
    expect(run('EXPIRE', 'k', '50', 'NX')).to.equal(':0\r\n');
    expect(run('EXPIRE', 'k', '100', 'GT')).to.equal(':0\r\n'); // equal is not greater
    expect(run('EXPIRE', 'k', '200', 'GT')).to.equal(':1\r\n');
    expect(run('EXPIRE', 'k', '300', 'LT')).to.equal(':0\r\n');
    expect(run('PEXPIRE', 'k', '150000', 'LT', 'XX')).to.equal(':1\r\n');
    expect(run('PTTL', 'k')).to.equal(':150000\r\n');
    expect(run('EXPIRE', 'k', '1', 'NX', 'GT')).to.equal('-ERR NX and XX, GT or LT options at the same time are not compatible\r\n');
    expect(run('EXPIRE', 'k', '1', 'GT', 'LT')).to.equal('-ERR GT and LT options at the same time are not compatible\r\n');
    expect(run('EXPIREAT', 'k', String(Math.floor(1_700_000_000 + 1 + 500)))).to.equal(':1\r\n');
    expect(run('TTL', 'k')).to.equal(':500\r\n');
  });
});
