// Starts, kills and restarts the receiver processes of the multi-instance proof (test/support/receiver-instance.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { ReceiverConfig, ReceiverMessage } from './receiver-instance.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = resolve(import.meta.dirname, 'receiver-instance.ts');
const START_TIMEOUT_MS = 30_000;
const QUIESCE_TIMEOUT_MS = 10_000;

export interface ReceiverProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** The end of its stderr, for a failure message. */
  log(): string;
}

/** Runs one instance with tsx and resolves once it listens. */
export function startReceiverProcess(config: ReceiverConfig): Promise<ReceiverProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, AICADO_RECEIVER: JSON.stringify(config) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4_000);
  });
  return new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`receiver ${config.name} did not listen within ${START_TIMEOUT_MS} ms:\n${log}`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`receiver ${config.name} exited (${code ?? signal}) while starting:\n${log}`));
    });
    child.on('message', (message: ReceiverMessage) => {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolvePort({ port: message.port, child, log: () => log });
    });
  });
}

/** Asks the instance to hold its handlers short of their Redis mark, then kills it with SIGKILL; resolves with the deliveries it was handling. */
export async function killMidRun(receiver: ReceiverProcess): Promise<number> {
  const { child } = receiver;
  const inFlight = await new Promise<number>((resolveQuiet, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver did not quiesce within ${QUIESCE_TIMEOUT_MS} ms`)), QUIESCE_TIMEOUT_MS);
    child.on('message', (message: ReceiverMessage) => {
      if (message.type !== 'quiet') return;
      clearTimeout(timer);
      resolveQuiet(message.inFlight);
    });
    child.send({ type: 'quiesce' } satisfies ReceiverMessage);
  });
  await stopReceiverProcess(receiver, 'SIGKILL');
  return inFlight;
}

export function stopReceiverProcess({ child }: ReceiverProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill(signal);
  return exited;
}
