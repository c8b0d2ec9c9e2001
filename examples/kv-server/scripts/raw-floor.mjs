// The least a Node server can do per pipelined request: the floor the kv-server's per-request cost is read against.
//
//   node examples/kv-server/scripts/raw-floor.mjs <port>
//
// One plain net.Server; each 'data' event counts the commands in the chunk (a `*` that starts a
// line) and answers all of them in one write with the reply redis-benchmark expects for its SET
// (`+OK`) or GET (`$3 xxx`; the value redis-benchmark's SET writes). No parsing, no store, no promises: what is left is Node's own cost of
// a read event and a write, which any JavaScript server pays. It is correct only for redis-benchmark's
// SET and GET traffic with whole frames per read, and is not a server.
import { createServer } from 'node:net';

const OK = Buffer.from('+OK\r\n');
const VALUE = Buffer.from('$3\r\nxxx\r\n');
const CONFIG = Buffer.from('*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
const port = Number(process.argv[2] ?? 6390);

createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => {
    let commands = 0;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 42 && (i === 0 || chunk[i - 1] === 10)) commands++;
    // redis-benchmark's CONFIG GET at start (one name/value pair will do), then its GETs or SETs.
    const reply = chunk.indexOf('CONFIG') >= 0 ? CONFIG : chunk.indexOf('GET') >= 0 ? VALUE : OK;
    const out = Buffer.allocUnsafe(commands * reply.length);
    for (let i = 0; i < commands; i++) reply.copy(out, i * reply.length);
    socket.write(out);
  });
  socket.on('error', () => socket.destroy());
}).listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
