import { spawn, type ChildProcess } from 'node:child_process';

export interface CommandResult {
  output: string;
  durationMs: number;
}

/** Runs a command to completion; a non-zero exit throws with everything it printed. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ output, durationMs: Date.now() - started });
      else reject(new Error(`${command} ${args.join(' ')} in ${options.cwd} ended with ${signal ?? code}:\n${output}`));
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Waits for a line of output matching `pattern` that appears after `from` characters of output. */
  waitForLine(pattern: RegExp, options?: { timeoutMs?: number; from?: number }): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

/** Starts a long-running process (a server) and waits for the line that says it is ready. */
export async function startProcess(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; ready: RegExp; timeoutMs?: number },
): Promise<RunningProcess & { ready: RegExpExecArray }> {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const waitForLine = async (pattern: RegExp, { timeoutMs = 20_000, from = 0 } = {}) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = output
        .slice(from)
        .split('\n')
        .map((line) => pattern.exec(line))
        .find((found) => found !== null);
      if (match) return match;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} exited before printing ${pattern}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`${command} printed no line matching ${pattern} in ${timeoutMs} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const ready = await waitForLine(options.ready, { timeoutMs: options.timeoutMs ?? 30_000 });
    return { child, output: () => output, waitForLine, stop, ready };
  } catch (error) {
    await stop();
    throw error;
  }
}
