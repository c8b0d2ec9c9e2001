// The worker's allow-list: a job may name only modules that live under one of the directories given with --allow.
//
// WHY: a job's module URL comes from whoever can write to the queue. Importing it runs its top-level code,
// so a worker imports only files under directories its operator chose. Paths are compared after
// resolving symlinks on both sides, so a link inside an allowed directory cannot point outside it.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export class AllowList {
  /** The allowed directories, absolute and with symlinks resolved. */
  readonly dirs: readonly string[];
  /** Module URLs already found inside (a worker sees the same few modules over and over). */
  private readonly admitted = new Set<string>();

  constructor(dirs: readonly string[]) {
    if (!Array.isArray(dirs) || dirs.length === 0) {
      throw new TypeError('allow must name at least one directory whose modules this worker may import');
    }
    this.dirs = dirs.map((dir, i) => {
      if (typeof dir !== 'string' || dir === '') throw new TypeError(`allow[${i}] must be a directory path, got ${JSON.stringify(dir)}`);
      try {
        return realpathSync(path.resolve(dir));
      } catch {
        throw new TypeError(`allow[${i}] ${JSON.stringify(dir)} is not an existing directory`);
      }
    });
  }

  /** Throws a TypeError naming the module and the allowed directories unless `moduleUrl` is a file under one of them. */
  check(moduleUrl: string): void {
    if (this.admitted.has(moduleUrl)) return;
    let file: string;
    try {
      if (!moduleUrl.startsWith('file:')) throw new Error('not a file: URL');
      file = realpathSync(fileURLToPath(moduleUrl));
    } catch {
      throw this.refusal(moduleUrl, 'it is not an existing file: URL');
    }
    for (const dir of this.dirs) {
      const relative = path.relative(dir, file);
      if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
        this.admitted.add(moduleUrl);
        return;
      }
    }
    throw this.refusal(moduleUrl, 'it is outside every allowed directory');
  }

  private refusal(moduleUrl: string, why: string): TypeError {
    return new TypeError(`def.module ${JSON.stringify(moduleUrl)} refused by this worker: ${why}; `
      + `allowed directories (--allow): ${this.dirs.map((d) => JSON.stringify(d)).join(', ')}`);
  }
}
