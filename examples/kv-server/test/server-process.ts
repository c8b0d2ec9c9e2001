// Starts the kv-server app as a child process on a free port, the way a user would, and stops it.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

export interface ServerProcess {
  port: number;
  output(): string;
  /** SIGTERM, then the exit code once the process has exited by itself. */
  stop(): Promise<number | null>;
}

/** `extra`: more flags for the app (`--shards`). */
export async function startServer(runtime: string, extra: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN, '--runtime', runtime, '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => { output += text; });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => { output += text; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const check = () => {
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`kv-server exited (${code}) before listening:\n${output}`)));
  });
  return {
    port,
    output: () => output,
    async stop() {
      kill(child);
      return exited;
    },
  };
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

/** Runs redis-cli against the port; resolves with its stdout. */
export function redisCli(port: number, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const cli = execFile('redis-cli', ['-p', String(port), ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) cli.stdin!.end(input);
  });
}
