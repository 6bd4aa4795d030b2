// A real PostgreSQL for the tests: Debian's server binaries, a cluster of its own in a temporary folder,
// listening on a free loopback port only (no Unix socket), stopped and removed afterwards. Postgres refuses to
// run as root, so under root initdb and the server run as the `postgres` user.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const INSTALL_ROOT = '/usr/lib/postgresql';
const READY_TIMEOUT_MS = 30_000;

export interface PostgresServer {
  /** `postgres://…@127.0.0.1:<port>/postgres`, trust auth (loopback only). */
  readonly connectionString: string;
  readonly port: number;
  /** Stops the server at once (its sessions ended, as when the database goes down) and waits for it; the data stays until `dispose`. */
  stop(): Promise<void>;
  /** Stops the server if it runs, once its clients have left (or a few seconds passed), and removes its folder. */
  dispose(): Promise<void>;
}

/** The newest installed PostgreSQL's bin folder, or an error saying what to install. */
function binFolder(): string {
  const versions = existsSync(INSTALL_ROOT)
    ? readdirSync(INSTALL_ROOT)
        .filter((version) => existsSync(join(INSTALL_ROOT, version, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) {
    throw new Error(`PostgreSQL is not installed (no ${INSTALL_ROOT}/<version>/bin/postgres): apt-get install postgresql`);
  }
  return join(INSTALL_ROOT, versions[0], 'bin');
}

/** Whom initdb and the server run as: the `postgres` user when the tests run as root, else the tests' own user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('The tests run as root and there is no `postgres` user to run PostgreSQL as: apt-get install postgresql');
  }
}

async function waitUntilReady(connectionString: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`PostgreSQL exited with ${server.exitCode} while starting:\n${log()}`);
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS} ms:\n${log()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** Starts a throwaway PostgreSQL cluster on a free loopback port. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binFolder();
  const user = serverUser();
  const folder = mkdtempSync(join(tmpdir(), 'aicado-postgres-'));
  if (user) chownSync(folder, user.uid, user.gid);
  const data = join(folder, 'data');
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
      ...asUser,
      cwd: folder,
      timeout: 60_000,
    });
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  // Durability off: the cluster is thrown away, and the tests are about locks and transactions, not disks.
  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    'unix_socket_directories=',
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
  ];
  const server = spawn(join(bin, 'postgres'), ['-D', data, ...settings.flatMap((setting) => ['-c', setting])], {
    ...asUser,
    cwd: folder,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  server.stdout?.on('data', collect);
  server.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  // A test run that ends without stopping it (a timed-out hook) still takes its server along.
  const killOnExit = () => server.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  const connectionString = `postgres://postgres@127.0.0.1:${port}/postgres`;

  /** Shuts the server down: `smart` waits (a while) for the clients to leave, `fast` ends their sessions at once. */
  const shutDown = async (mode: 'smart' | 'fast') => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill(mode === 'smart' ? 'SIGTERM' : 'SIGINT');
    // A client still closing when its session is ended hears a FATAL error it may not listen for.
    const faster = mode === 'smart' ? setTimeout(() => server.kill('SIGINT'), 3_000) : undefined;
    const killer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(faster);
    clearTimeout(killer);
  };
  const stop = () => shutDown('fast');
  try {
    await waitUntilReady(connectionString, server, () => output);
  } catch (error) {
    await stop();
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    connectionString,
    port,
    stop,
    async dispose() {
      await shutDown('smart');
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
