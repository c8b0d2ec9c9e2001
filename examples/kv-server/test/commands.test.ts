// The command table, exactly as a client sees it: the bytes of each reply.
import { expect } from 'chai';
import { execute } from '../src/lib/commands/dispatch.js';
import type { CommandContext } from '../src/lib/commands/command.js';
import { RespWriter } from '../src/lib/resp-writer.js';
import { ServerState } from '../src/lib/server-state.js';
import { ManualClock } from './manual-clock.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function session() {
  const clock = new ManualClock();
  const server = new ServerState(clock);
  const cx: CommandContext = { server, store: server.store, session: server.open(), out: new RespWriter() };
  const run = (...args: string[]) => {
    execute(args.map((a) => enc.encode(a)), cx);
    return dec.decode(cx.out.take());
  };
  return { clock, cx, run };
}

describe('execute(args)', () => {
  it('should answer PING and PING <msg>', () => {
    const { run } = session();
    expect(run('PING')).to.equal('+PONG\r\n');
    expect(run('ping', 'hi')).to.equal('$2\r\nhi\r\n');
  });

  it('should ECHO a bulk string', () => {
    expect(session().run('ECHO', 'héllo')).to.equal('$6\r\nhéllo\r\n');
  });

  it('should SET and GET, and GET a missing key as the null bulk', () => {
    const { run } = session();
    expect(run('SET', 'k', 'v')).to.equal('+OK\r\n');
    expect(run('GET', 'k')).to.equal('$1\r\nv\r\n');
    expect(run('GET', 'nope')).to.equal('$-1\r\n');
  });

  it('should expire SET ... EX on the clock, and honour PX', () => {
    const { run, clock } = session();
    run('SET', 'a', '1', 'EX', '10');
    run('SET', 'b', '1', 'px', '1500');
    expect(run('TTL', 'a')).to.equal(':10\r\n');
    expect(run('PTTL', 'b')).to.equal(':1500\r\n');
    clock.advance(1500);
    expect(run('GET', 'b')).to.equal('$-1\r\n');
    expect(run('GET', 'a')).to.equal('$1\r\n1\r\n');
    clock.advance(8500);
    expect(run('EXISTS', 'a')).to.equal(':0\r\n');
  });

  it('should honour SET NX and XX', () => {
    const { run } = session();
    expect(run('SET', 'k', '1', 'XX')).to.equal('$-1\r\n');
    expect(run('SET', 'k', '1', 'NX')).to.equal('+OK\r\n');
    expect(run('SET', 'k', '2', 'NX')).to.equal('$-1\r\n');
    expect(run('GET', 'k')).to.equal('$1\r\n1\r\n');
  });

  it('should reject bad SET options with the errors Redis gives', () => {
    const { run } = session();
    expect(run('SET', 'k', 'v', 'EX', '0')).to.equal("-ERR invalid expire time in 'set' command\r\n");
    expect(run('SET', 'k', 'v', 'EX', 'ten')).to.equal('-ERR value is not an integer or out of range\r\n');
    expect(run('SET', 'k', 'v', 'EX', '1', 'PX', '5')).to.equal('-ERR syntax error\r\n');
    expect(run('SET', 'k', 'v', 'BOGUS')).to.equal('-ERR syntax error\r\n');
  });

  it('should DEL and EXISTS counting every named key', () => {
    const { run } = session();
    run('SET', 'a', '1');
    run('SET', 'b', '1');
    expect(run('EXISTS', 'a', 'a', 'c')).to.equal(':2\r\n');
    expect(run('DEL', 'a', 'b', 'c')).to.equal(':2\r\n');
    expect(run('DBSIZE')).to.equal(':0\r\n');
  });

  it('should INCR from nothing, keep a TTL, refuse non-integers and overflow', () => {
    const { run } = session();
    expect(run('INCR', 'n')).to.equal(':1\r\n');
    expect(run('INCR', 'n')).to.equal(':2\r\n');
    run('EXPIRE', 'n', '100');
    run('INCR', 'n');
    expect(run('TTL', 'n')).to.equal(':100\r\n');
    run('SET', 's', 'abc');
    expect(run('INCR', 's')).to.equal('-ERR value is not an integer or out of range\r\n');
    run('SET', 'max', '9223372036854775807');
    expect(run('INCR', 'max')).to.equal('-ERR increment or decrement would overflow\r\n');
    run('SET', 'big', '9223372036854775806');
    expect(run('INCR', 'big')).to.equal(':9223372036854775807\r\n');
  });

  it('should EXPIRE an existing key, report TTL -1/-2, and delete on a non-positive EXPIRE', () => {
    const { run } = session();
    run('SET', 'k', 'v');
    expect(run('TTL', 'k')).to.equal(':-1\r\n');
    expect(run('TTL', 'missing')).to.equal(':-2\r\n');
    expect(run('EXPIRE', 'k', '5')).to.equal(':1\r\n');
    expect(run('EXPIRE', 'missing', '5')).to.equal(':0\r\n');
    expect(run('EXPIRE', 'k', '-1')).to.equal(':1\r\n');
    expect(run('EXISTS', 'k')).to.equal(':0\r\n');
  });

  it('should list KEYS matching a glob', () => {
    const { run } = session();
    for (const k of ['user:1', 'user:2', 'order:1']) run('SET', k, 'x');
    const reply = run('KEYS', 'user:*');
    expect(reply.startsWith('*2\r\n')).to.equal(true);
    expect(reply).to.contain('$6\r\nuser:1\r\n').and.contain('$6\r\nuser:2\r\n').and.not.contain('order');
  });

  it('should FLUSHDB everything', () => {
    const { run } = session();
    run('SET', 'a', '1');
    expect(run('FLUSHDB')).to.equal('+OK\r\n');
    expect(run('DBSIZE')).to.equal(':0\r\n');
  });

  it('should reply OK to QUIT and mark the session as quitting', () => {
    const { run, cx } = session();
    expect(run('QUIT')).to.equal('+OK\r\n');
    expect(cx.session.quit).to.equal(true);
  });

  it('should name an unknown command and its first arguments, like Redis', () => {
    expect(session().run('FROB', 'a', 'b')).to.equal("-ERR unknown command 'FROB', with args beginning with: 'a' 'b' \r\n");
    expect(session().run('constructor')).to.match(/^-ERR unknown command 'constructor'/);
  });

  it('should reject a wrong number of arguments', () => {
    const { run } = session();
    expect(run('GET')).to.equal("-ERR wrong number of arguments for 'get' command\r\n");
    expect(run('ECHO', 'a', 'b')).to.equal("-ERR wrong number of arguments for 'echo' command\r\n");
  });
});

describe('CONFIG GET', () => {
  it('should answer the parameters redis-benchmark asks for, as name/value pairs', () => {
    const { run } = session();
    expect(run('CONFIG', 'GET', 'save')).to.equal('*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
    expect(run('CONFIG', 'GET', 'appendonly')).to.equal('*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n');
    expect(run('CONFIG', 'GET', 'maxmemory')).to.equal('*0\r\n');
  });
});

describe('a command that throws', () => {
  it('should answer -ERR instead of a half-written reply, and leave earlier replies intact', () => {
    const { run, cx } = session();
    const enc2 = new TextEncoder();
    execute([enc2.encode('PING')], cx);
    // Break the store on purpose: KEYS writes its array header, then fails on the second key.
    (cx.store as unknown as { keys: () => unknown[] }).keys = () => ['fine', { length: 1, charCodeAt() { throw new Error('boom'); } }];
    execute([enc2.encode('KEYS'), enc2.encode('*')], cx);
    expect(new TextDecoder().decode(cx.out.take())).to.equal("+PONG\r\n-ERR internal error in 'keys': boom\r\n");
    expect(run('PING')).to.equal('+PONG\r\n');
  });
});
