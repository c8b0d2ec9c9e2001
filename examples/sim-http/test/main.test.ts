// The app's command line: a bad flag or a replay file that cannot be read is one line naming it and exit 2
// (1 is kept for a run that failed, as runtime-traits-sim does), never a stack trace.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.js');

describe('the sim-http app', function () {
  this.timeout(60_000);

  it('should name a bad flag or an unreadable replay file in one line and exit 2', async () => {
    for (const [args, named] of [[['explore', '--seeds', 'abc'], '--seeds'], [['explore', '--seeds'], '--seeds'], [['explore', '--variant', 'nope'], '--variant'],
      [['explore', '--workers', '-1'], '--workers'], [['replay', 'nosuch.json'], 'nosuch.json'], [['replay'], 'replay needs a file']] as const) {
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [MAIN, ...args], { timeout: 30_000 }, (error, stdout, stderr) => resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stdout, stderr }));
      });
      expect(code, `${args.join(' ')}: ${stderr}`).to.equal(2);
      expect(stderr, args.join(' ')).to.match(/^sim-http: [^\n]*\n$/).and.contain(named);
      expect(stdout, 'nothing ran').to.equal('');
    }
  });
});
