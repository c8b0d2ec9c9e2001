// `npm run kv-server -- --runtime <name> --port <port>`: the root script starts the server in the foreground.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './run-app.js';

function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.setEncoding('utf8');
    socket.once('data', (reply: string) => { socket.end(); resolve(reply); });
    socket.once('error', reject);
  });
}

describe('the root "kv-server" script', function () {
  this.timeout(60_000);
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['kv-server']!;

  for (const runtime of ['node', 'local', 'worksteal']) {
    it(`should start the server with --runtime ${runtime}, print its address, answer PING and stop on SIGTERM`, async () => {
      const [command, ...args] = script.split(' ');
      expect(command).to.equal('node');
      const child = spawn(process.execPath, [...args, '--runtime', runtime, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      let output = '';
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout!.setEncoding('utf8').on('data', (text: string) => {
          output += text;
          const match = /^listening on 127\.0\.0\.1:(\d+) \(runtime: (\w+)\)$/m.exec(output);
          if (match) resolve(Number(match[1]));
        });
        void exited.then((code) => reject(new Error(`exited (${code}) before listening: ${output}`)));
      });
      expect(output).to.contain(`(runtime: ${runtime})`);
      expect(await ping(port)).to.equal('+PONG\r\n');
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
    });
  }
});
