// The app's flags: a bad or bare one is one line naming the flag (not the library's argument) and exit 2, before anything listens.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

describe('the kv-server app\'s flags', function () {
  this.timeout(60_000);

  it('should name a bad, empty or bare flag in one line and exit 2 instead of serving on a default', async () => {
    for (const [args, named] of [[['--port', 'abc'], '--port'], [['--port'], '--port'], [['--port', ''], '--port'], [['--runtime'], '--runtime'], [['--runtime', 'bogus'], '--runtime'],
      [['--runtime', 'worksteal', '--shards', '--workers', '0'], '--workers'], [['--runtime', 'worksteal', '--shards', '--workers'], '--workers']] as const) {
      // A run that wrongly starts serving is killed by the timeout (exit code null), never passes.
      const { code, stdout, stderr } = await new Promise<{ code: number | string | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [MAIN, ...args], { timeout: 10_000 }, (error, stdout, stderr) => resolve({ code: error ? (error as { code?: number }).code ?? null : 0, stdout, stderr }));
      });
      expect(code, `${args.join(' ')}: ${stdout}${stderr}`).to.equal(2);
      expect(stderr, args.join(' ')).to.match(new RegExp(`^kv-server: ${named} [^\\n]*\\n$`));
      expect(stdout, 'nothing listened').to.equal('');
    }
  });
});
