// A throwaway PostgreSQL cluster in a temp dir, listening on 127.0.0.1 only, with TLS on (a certificate
// made at start), trust authentication, stopped and deleted by the test. Debian's binaries are found by
// globbing /usr/lib/postgresql/<version>/bin (newest first) or PG_BIN. initdb refuses to run as root,
// so as root the cluster belongs to the unprivileged `nobody` and every command runs through runuser.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { selfSignedCert } from './certs.js';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  database: string;
  /** The server certificate (self-signed), for clients that verify it. */
  ca: string;
  stop(): Promise<void>;
}

/** The bin directory of the newest installed PostgreSQL, or undefined. */
export function findPostgresBin(): string | undefined {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, 'bin') : undefined;
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb); apt-get install postgresql');
  const asRoot = userInfo().uid === 0;
  // `nobody`'s uid/gid, read from the system rather than assumed.
  const owner = asRoot ? await idOf('nobody') : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rt-pg-'));
  const data = join(dir, 'data');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const exec = (cmd: string, args: string[]): Promise<unknown> =>
    owner ? run('runuser', ['-u', 'nobody', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);

  await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const { key, cert } = selfSignedCert();
  for (const [name, text] of [['server.key', key], ['server.crt', cert]] as const) {
    const file = join(data, name);
    writeFileSync(file, text);
    chmodSync(file, 0o600);
    if (owner) chownSync(file, owner.uid, owner.gid);
  }
  const port = await freePort();
  const options = [
    `-p ${port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${dir}`,
    '-c ssl=on', '-c ssl_cert_file=server.crt', '-c ssl_key_file=server.key', '-c fsync=off', '-c max_connections=40',
  ].join(' ');
  try {
    await exec('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', options, 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ca: cert,
    stop: async () => {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function idOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
