// loadRuntime: imports only the named adapter, and says plainly what to install when it is absent.
import { expect } from 'chai';
import { loadRuntime, RUNTIME_NAMES } from '../src/index.js';
import { loadRuntimeWith } from '../src/load-runtime.js';
import type { Importer } from '../src/load-runtime.js';
import { stubRuntime } from './stub-runtime.js';

/** An importer that records what was asked for and serves the given modules. */
function recordingImporter(modules: Record<string, Record<string, unknown>>): Importer & { asked: string[] } {
  const asked: string[] = [];
  const importer = async (specifier: string) => {
    asked.push(specifier);
    const mod = modules[specifier];
    if (mod) return mod;
    const error = new Error(`Cannot find package '${specifier}' imported from /app/main.js`) as Error & { code: string };
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  };
  return Object.assign(importer, { asked });
}

describe('loadRuntime(name, opts)', () => {
  it('should know exactly the three runtimes of this repo', () => {
    expect([...RUNTIME_NAMES]).to.deep.equal(['node', 'local', 'worksteal']);
  });

  describe('having a name whose package is installed', () => {
    it('should import only that package and pass opts to its create()', async () => {
      const runtime = stubRuntime('worksteal');
      let received: unknown;
      const importer = recordingImporter({
        '@runtime-traits/worksteal': { WorkStealingRuntime: { create: async (opts: unknown) => { received = opts; return runtime; } } },
      });
      const opts = { workers: 3 };
      expect(await loadRuntimeWith(importer, 'worksteal', opts)).to.equal(runtime);
      expect(importer.asked).to.deep.equal(['@runtime-traits/worksteal']);
      expect(received).to.equal(opts);
    });
  });

  describe('having a name whose package is absent', () => {
    it('should reject with an error that names the package to install', async () => {
      const importer = recordingImporter({});
      const error = await loadRuntimeWith(importer, 'local').then(() => null, (e: unknown) => e as Error & { code: string });
      expect(error).to.be.instanceOf(Error);
      expect(error!.code).to.equal('ERR_RUNTIME_NOT_INSTALLED');
      expect(error!.message).to.contain('npm install @runtime-traits/local');
      expect(importer.asked).to.deep.equal(['@runtime-traits/local']);
    });

    it('should pass through a missing module that is not the adapter package itself', async () => {
      const importer: Importer = async () => {
        throw Object.assign(new Error("Cannot find package 'left-pad' imported from /x/node_modules/@runtime-traits/node/dist/src/index.js"), { code: 'ERR_MODULE_NOT_FOUND' });
      };
      const error = await loadRuntimeWith(importer, 'node').then(() => null, (e: unknown) => e as Error & { code: string });
      expect(error!.code).to.equal('ERR_MODULE_NOT_FOUND');
      expect(error!.message).to.contain('left-pad');
    });
  });

  describe('having a package that does not export the adapter class', () => {
    it('should reject with a TypeError naming the package and the export', async () => {
      const importer = recordingImporter({ '@runtime-traits/node': { somethingElse: 1 } });
      const error = await loadRuntimeWith(importer, 'node').then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/@runtime-traits\/node does not export NodeRuntime/);
    });
  });

  describe('having a bad name', () => {
    it('should reject an unknown name with a RangeError listing the valid names', async () => {
      const error = await loadRuntime('tokio' as never).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(RangeError);
      expect((error as Error).message).to.equal(`name must be one of 'node', 'local', 'worksteal', got "tokio"`);
    });

    it('should reject a non-string name with a TypeError', async () => {
      const error = await loadRuntime(7 as never).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/^name must be one of/);
    });

    it('should reject a name inherited from Object.prototype', async () => {
      const error = await loadRuntime('toString' as never).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(RangeError);
    });

    it('should reject opts that are not an object with a TypeError naming opts', async () => {
      const error = await loadRuntime('node', 5 as never).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/^opts must be/);
    });

    it('should reject opts that cannot be read (a revoked proxy) with a TypeError naming opts', async () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      const error = await loadRuntime('node', proxy as never).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.match(/^opts could not be read/);
    });
  });
});
