// Runs a recipe's main() when its file is the program (node dist/src/<recipe>.js), not when it is imported.
import { pathToFileURL } from 'node:url';

export function runMain(meta: ImportMeta, main: () => Promise<void>): void {
  if (process.argv[1] && meta.url === pathToFileURL(process.argv[1]).href) {
    main().catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
  }
}
