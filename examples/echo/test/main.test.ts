// The app's command line: an unknown runtime is one line naming --runtime, exit 2.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

describe('the echo app', function () {
  this.timeout(60_000);

  it('should name --runtime in one line and exit 2 for an unknown or missing runtime name', async () => {
    for (const [args, got] of [[['--runtime', 'bogus'], '"bogus"'], [['--runtime'], '""']] as const) {
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [MAIN, ...args], { timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? (error as { code?: number }).code ?? null : 0, stdout, stderr }));
      });
      expect(code, stderr).to.equal(2);
      expect(stderr).to.match(new RegExp(`^echo: --runtime: [^\\n]*must be one of 'node', 'local', 'worksteal', got ${got}\\n$`));
      expect(stdout).to.equal('');
    }
  });
});
