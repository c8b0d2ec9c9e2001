// Runs an example app as a user would (a child process), and collects its output and exit code.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface AppRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runApp(script: string, args: string[] = [], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<AppRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [`${ROOT}${script}`, ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}
