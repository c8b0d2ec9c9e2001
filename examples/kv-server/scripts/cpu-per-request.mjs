// Where a pipelined request's time goes: each server's own CPU time per request (Linux /proc), next to its requests/s.
//
//   node examples/kv-server/scripts/cpu-per-request.mjs [--test set|get] [--requests 500000] [--rounds 5] [--kv path/to/main.js ...]
//
// Starts redis-server, the kv-server on the node runtime (the build of this checkout, plus any
// other build given with --kv, e.g. an older checkout's, to compare before and after), and
// raw-floor.mjs (the least a Node server can do per request); runs `redis-benchmark -P 16 -c 50`
// against each in turn, round after round, and reads the server process's user+system CPU time
// from /proc/<pid>/stat around each run. CPU time per request depends far less on a busy machine
// than requests/s do: it is the cost the server itself pays, whoever else shares the cores.
// Prints the median and the range of both for each server.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const arg = (flag, fallback) => {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const test = arg('--test', 'set');
const requests = Number(arg('--requests', '500000'));
const rounds = Number(arg('--rounds', '5'));
const extraKv = process.argv.flatMap((a, i) => (a === '--kv' ? [process.argv[i + 1]] : []));
const TICKS_PER_SECOND = 100; // USER_HZ: /proc reports CPU time in these on every Linux build

function start(name, command, args, port) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (text) => {
      output += text;
      if (/listening on|Ready to accept/.test(output)) resolve();
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', () => reject(new Error(`${name} exited: ${output.slice(-300)}`)));
  });
  return { name, port, child, ready };
}

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
}

function benchmark(port) {
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', ['-p', String(port), '-q', '-c', '50', '-P', '16', '-n', String(requests), '-t', test],
      { timeout: 300_000 }, (error, stdout) => {
        const match = /([\d.]+) requests per second/.exec(stdout.split('\r').at(-1) ?? '');
        if (error || !match) reject(new Error(`redis-benchmark on port ${port}: ${error?.message ?? stdout.slice(-200)}`));
        else resolve(Number(match[1]));
      });
  });
}

const base = 16500 + Math.floor(Math.random() * 400);
const servers = [
  start('redis-server', 'redis-server', ['--port', String(base), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], base),
  start('kv-server (this checkout)', process.execPath, [here('../dist/src/main.js'), '--runtime', 'node', '--port', String(base + 1)], base + 1),
  start('raw Node floor', process.execPath, [here('./raw-floor.mjs'), String(base + 2)], base + 2),
  ...extraKv.map((main, i) => start(`kv-server (--kv #${i + 1})`, process.execPath, [main, '--runtime', 'node', '--port', String(base + 3 + i)], base + 3 + i)),
];
try {
  await Promise.all(servers.map((s) => s.ready));
  const samples = new Map(servers.map((s) => [s.name, { rate: [], micros: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < servers.length; i++) {
      const server = servers[(round + i) % servers.length];
      const before = cpuSeconds(server.child.pid);
      const rate = await benchmark(server.port);
      const micros = ((cpuSeconds(server.child.pid) - before) * 1e6) / requests;
      samples.get(server.name).rate.push(rate);
      samples.get(server.name).micros.push(micros);
    }
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const range = (xs, digits) => `[${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)}]`;
  console.log(`${test.toUpperCase()}, redis-benchmark -P 16 -c 50 -n ${requests}, ${rounds} rounds, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
  extraKv.forEach((main, i) => console.log(`--kv #${i + 1}: ${main}`));
  for (const [name, { rate, micros }] of samples) {
    console.log(`${name.padEnd(28)} ${(median(rate) / 1000).toFixed(0).padStart(5)}k requests/s ${range(rate.map((r) => r / 1000), 0)}k   `
      + `${median(micros).toFixed(2)} us CPU per request ${range(micros, 2)}`);
  }
} finally {
  for (const s of servers) s.child.kill('SIGTERM');
}
