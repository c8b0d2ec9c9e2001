// The app's command line: a bad flag or a port in use is one line and a non-zero exit, never a stack
// trace, and never a run that goes on against whoever holds the port.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { serveGreetings } from '../src/index.js';
import { Simulation } from '@runtime-traits/local';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.RUNTIME; // the flags alone choose
    execFile(process.execPath, [MAIN, ...args], { timeout: 15_000, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stdout, stderr });
    });
  });
}

describe('the retry-client app', function () {
  this.timeout(30_000);

  it('should name --runtime and exit 2 for a bad or missing runtime name', async () => {
    for (const [args, got] of [[['--runtime', 'bogus'], '"bogus"'], [['--runtime'], '""']] as const) {
      const { code, stdout, stderr } = await run([...args]);
      expect(code, stderr).to.equal(2);
      expect(stderr).to.equal(`retry-client: --runtime must be local or node, got ${got}\n`);
      expect(stdout, 'nothing ran').to.equal('');
    }
  });

  it('should report a taken port 7070 in one line and exit 1 on --runtime node, not talk to whoever holds it', async () => {
    const holder: Server = createServer(() => {});
    await new Promise<void>((resolve, reject) => holder.once('error', reject).listen(7070, '127.0.0.1', resolve));
    try {
      const { code, stdout, stderr } = await run(['--runtime', 'node']);
      expect(code, stderr).to.equal(1);
      expect(stderr).to.match(/^retry-client: .*EADDRINUSE.*\n$/).and.not.contain('    at ');
      expect(stdout).to.equal('');
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('should serve on 127.0.0.1 by default, so another simulated host is refused unless the server asks for 0.0.0.0', async () => {
    const sim = new Simulation({ seed: 1 });
    try {
      serveGreetings(sim.host('server'), { port: 7000 });
      const client = sim.host('client');
      const outcome = await client.run(async (cx) => {
        await cx.runtime.reactor.clock.sleep(10);
        return cx.runtime.reactor.net.connect({ host: 'server', port: 7000 }).then(() => 'connected', (error: { code?: string }) => error.code);
      });
      expect(outcome).to.equal('ECONNREFUSED');
    } finally {
      await sim.shutdown();
    }
  });
});
