// loadRuntime in an install that lacks the adapter: a real Node resolution failure, in a child process.
//
// The child sees a node_modules with only core, inversify and this package (symlinks, resolved with
// --preserve-symlinks so the monorepo's own node_modules is out of reach), exactly like an app that
// never installed @runtime-traits/worksteal.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const modules = join(packageDir, '..', '..', 'node_modules');

function run(dir: string, script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--preserve-symlinks', join(dir, script)], { cwd: dir, timeout: 20_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
  });
}

describe('loadRuntime in an app where the adapter package is not installed', function () {
  this.timeout(30_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rt-inversify-absent-'));
    mkdirSync(join(dir, 'node_modules', '@runtime-traits'), { recursive: true });
    symlinkSync(packageDir, join(dir, 'node_modules', '@runtime-traits', 'inversify'), 'dir');
    symlinkSync(join(modules, '@runtime-traits', 'core'), join(dir, 'node_modules', '@runtime-traits', 'core'), 'dir');
    symlinkSync(join(modules, 'inversify'), join(dir, 'node_modules', 'inversify'), 'dir');
    symlinkSync(join(modules, '@inversifyjs'), join(dir, 'node_modules', '@inversifyjs'), 'dir');
    symlinkSync(join(modules, 'reflect-metadata'), join(dir, 'node_modules', 'reflect-metadata'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    writeFileSync(join(dir, 'app.js'), [
      "import { loadRuntime } from '@runtime-traits/inversify';",
      "const error = await loadRuntime('worksteal').then(() => null, (e) => e);",
      'console.log(JSON.stringify({ code: error?.code, message: error?.message, cause: error?.cause?.code }));',
    ].join('\n'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('should reject with ERR_RUNTIME_NOT_INSTALLED and name the package to install', async () => {
    const result = JSON.parse(await run(dir, 'app.js')) as { code: string; message: string; cause: string };
    expect(result.code).to.equal('ERR_RUNTIME_NOT_INSTALLED');
    expect(result.cause).to.equal('ERR_MODULE_NOT_FOUND');
    expect(result.message).to.equal(
      "loadRuntime('worksteal'): the runtime package @runtime-traits/worksteal is not installed. Install it with: npm install @runtime-traits/worksteal");
  });
});
