import { spawn, type ChildProcess } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { ROOT_DIR } from './helpers.js';

export interface CliProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `demo/backend/cli.ts` as `npm run backend` would, and waits for its "listening" line. */
export async function runCli(args: string[]): Promise<CliProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/backend/cli.ts', '--port', '0', ...args], {
    cwd: ROOT_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not start:\n${output}`)), 15_000);
    const check = () => {
      const match = /aicado backend listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => reject(new Error(`backend exited:\n${output}`)));
  });
  return { child, url, output: () => output, exited };
}
