// A bundled app (esbuild, as README "Bundling" says) still finds its tasks, on this thread and on worker threads, on node and worksteal.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE = join(ROOT, 'test', 'bundling', 'app');
const OUT = join(ROOT, 'test', 'dist', 'bundled-app-out');

interface AppResult { spawned: number; blocking: number; spawnedOn: number; blockingOn: number; module: string }

function runBundle(runtime: string): Promise<AppResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(OUT, 'main.js'), runtime], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the bundled app failed on ${runtime}: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as AppResult);
    });
  });
}

describe('an app bundled with esbuild', function () {
  this.timeout(120_000);

  before(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    // The recipe README "Bundling" gives: the tasks module is an entry of its own and code splitting
    // puts it in a chunk; the runtimes stay external (their worker entries are loaded by URL). Minified,
    // as apps ship: the chunk exports its symbols under one-letter names.
    await build({
      entryPoints: [join(SOURCE, 'main.ts'), join(SOURCE, 'tasks.ts')],
      bundle: true, splitting: true, minify: true, format: 'esm', platform: 'node', target: 'node20', outdir: OUT, logLevel: 'error',
      external: ['@runtime-traits/node', '@runtime-traits/worksteal'],
    });
  });

  it('should have merged the tasks into a chunk that exports them under other names, or not at all', () => {
    const chunk = readdirSync(OUT).find((file) => file.startsWith('chunk-'));
    expect(chunk, `a shared chunk among ${readdirSync(OUT).join(', ')}`).to.be.a('string');
    const text = readFileSync(join(OUT, chunk!), 'utf8');
    expect(text, 'the chunk defines the task "add"').to.match(/\(import\.meta\.url,\s*"add"/);
    expect(text, 'the chunk\'s exports').to.not.match(/export\s*\{[^}]*\badd\b/);
    expect(text, 'the chunk carries its own copy of core (a second registry copy, shared through Symbol.for)').to.contain('@runtime-traits/core/task-registry');
  });

  for (const runtime of ['node', 'worksteal']) {
    it(`should run its tasks on ${runtime}: spawn and spawnBlocking, on the threads they belong to`, async () => {
      const result = await runBundle(runtime);
      expect(result.module, 'def.module is the chunk, not the source file').to.match(/\/bundled-app-out\/chunk-[^/]+\.js$/);
      expect(result.spawned, 'spawn(add, [2, 3])').to.equal(5);
      expect(result.blocking, 'spawnBlocking(add, [4, 5])').to.equal(9);
      expect(result.blockingOn, 'thread of the blocking task').to.not.equal(0);
      if (runtime === 'worksteal') expect(result.spawnedOn, 'thread of a worksteal spawn').to.not.equal(0);
      else expect(result.spawnedOn, 'thread of a node spawn').to.equal(0);
    });
  }
});
