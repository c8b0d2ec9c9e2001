// The worker's allow-list: only files under the allowed directories, symlinks resolved, clear refusals.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { AllowList } from '../src/worker/allow-list.js';

describe('AllowList', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'rt-allow-'));
    mkdirSync(path.join(root, 'ok'));
    mkdirSync(path.join(root, 'ok-not'));
    writeFileSync(path.join(root, 'ok', 'task.js'), '');
    writeFileSync(path.join(root, 'ok-not', 'task.js'), '');
    writeFileSync(path.join(root, 'outside.js'), '');
    symlinkSync(path.join(root, 'outside.js'), path.join(root, 'ok', 'link.js'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('should admit a module under an allowed directory', () => {
    expect(() => new AllowList([path.join(root, 'ok')]).check(pathToFileURL(path.join(root, 'ok', 'task.js')).href)).not.to.throw();
  });

  it('should refuse a sibling directory that merely shares the prefix', () => {
    const list = new AllowList([path.join(root, 'ok')]);
    expect(() => list.check(pathToFileURL(path.join(root, 'ok-not', 'task.js')).href)).to.throw(TypeError, /outside every allowed directory/);
  });

  it('should refuse a symlink inside that points outside', () => {
    const list = new AllowList([path.join(root, 'ok')]);
    expect(() => list.check(pathToFileURL(path.join(root, 'ok', 'link.js')).href)).to.throw(TypeError, /outside/);
  });

  it('should refuse ../ escapes, non-file URLs and missing files, naming the module and the directories', () => {
    const list = new AllowList([path.join(root, 'ok')]);
    const escape = `${pathToFileURL(path.join(root, 'ok')).href}/../outside.js`;
    expect(() => list.check(escape)).to.throw(TypeError, /outside/);
    expect(() => list.check('data:text/javascript,export const x = 1')).to.throw(TypeError, /not an existing file: URL/);
    expect(() => list.check(pathToFileURL(path.join(root, 'ok', 'missing.js')).href)).to.throw(TypeError, /missing\.js/);
    try {
      list.check('https://example.invalid/x.js');
    } catch (error) {
      expect((error as Error).message).to.include('https://example.invalid/x.js');
      expect((error as Error).message).to.include(path.join(root, 'ok'));
    }
  });

  it('should need at least one existing directory', () => {
    expect(() => new AllowList([])).to.throw(TypeError, /at least one directory/);
    expect(() => new AllowList([path.join(root, 'nope')])).to.throw(TypeError, /allow\[0\]/);
  });
});
