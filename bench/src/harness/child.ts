// Runs a script of this package in a fresh Node process and parses the JSON line it prints.
import { execFile } from 'node:child_process';

export function runChild<T>(script: URL, args: readonly string[], nodeFlags: readonly string[] = [], timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...nodeFlags, script.pathname, ...args], { timeout: timeoutMs, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`child ${script.pathname.split('/').pop()} ${args.join(' ')} failed: ${error?.message ?? ''} ${stderr.trim().split('\n').slice(-2).join(' ')}`.trim()));
      }
    });
  });
}
