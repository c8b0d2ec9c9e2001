// Runs typedoc's own conversion and validation (the root typedoc.json) over package folders and collects what it finds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Application, Logger, LogLevel, ReflectionKind } from 'typedoc';
import type { ProjectReflection } from 'typedoc';

/** What one typedoc run over some packages found. */
export interface DocsCheck {
  /** typedoc's notDocumented warnings, one per exported symbol or member without a doc comment, naming it and its file. */
  undocumented: string[];
  /** Errors typedoc logged (a package that failed to convert, a type error in a package). */
  errors: string[];
  /** For each package name, the entry modules typedoc documented (`.` for the main entry, else the subpath). */
  modules: Map<string, string[]>;
}

/** Where the main entry of a package with several shows up: its index.ts says `@module index` (else typedoc names it ''). */
const MAIN_ENTRY = 'index';

/** A logger that keeps warnings and errors for the caller and prints nothing. */
class KeepingLogger extends Logger {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];

  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level === LogLevel.Error) this.errors.push(message);
    else if (level === LogLevel.Warn) this.warnings.push(message);
  }
}

/** The message typedoc's `validation.notDocumented` logs, in English (the run sets `lang: 'en'`). */
const NOT_DOCUMENTED = /does not have any documentation$/;

/**
 * Converts `packageDirs` with the settings of `<root>/typedoc.json` (packages strategy, entry points
 * inferred from each package.json's `exports`, notDocumented validation) and, given `out`, writes the
 * HTML there.
 */
export async function checkDocs(root: string, packageDirs: readonly string[], out?: string): Promise<DocsCheck> {
  const app = await Application.bootstrapWithPlugins({
    options: join(root, 'typedoc.json'),
    entryPoints: [...packageDirs],
    lang: 'en',
  });
  const logger = new KeepingLogger();
  app.logger = logger;
  const project = await app.convert();
  if (project && out !== undefined) await app.generateDocs(project, out);
  return {
    undocumented: logger.warnings.filter((message) => NOT_DOCUMENTED.test(message)),
    errors: project ? logger.errors : [...logger.errors, 'typedoc produced no project'],
    modules: project ? entryModules(project) : new Map(),
  };
}

/** Package name → its documented entry modules, read from the merged project. */
function entryModules(project: ProjectReflection): Map<string, string[]> {
  const modules = new Map<string, string[]>();
  for (const child of project.children ?? []) {
    const entries = child.children?.filter((c) => c.kind === ReflectionKind.Module).map((c) => (c.name === MAIN_ENTRY ? '.' : c.name));
    // A package with one entry point is itself the module; one with several holds a module per entry.
    modules.set(child.name, entries && entries.length > 0 ? entries : ['.']);
  }
  return modules;
}

/** The subpaths of a package's `exports` that carry TypeScript types (`.`, `./kit`, …) — its public entries. */
export function typedEntries(packageDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
  return Object.entries(manifest.exports ?? {})
    .filter(([, target]) => typeof target === 'object' && target !== null && 'types' in target)
    .map(([subpath]) => subpath);
}
