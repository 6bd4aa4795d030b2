import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isPortFree, USAGE } from '../../demo/backend/config/index.js';
import { verifyWebhook } from '../../src/server/index.js';
import { completed } from '../support/webhook-events.js';
import { runCli } from './backend-process.js';
import { COMPLETIONS, postQuery, queryBody, readSse, startReceiver, tempDir, waitForDelivery } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `demo/backend/cli.ts` with the arguments and waits for it to exit. */
async function runToExit(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/backend/cli.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

describe('backend CLI', () => {
  it('prints a generated secret, resumes an in-flight delivery after kill -9, and exits cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const hanging = await startReceiver(() => ({ status: 200, hang: true }), COMPLETIONS);
    const first = await runCli(['--data-dir', dataDir, '--webhook-url', hanging.url, '--echo-delay-ms', '1']);
    const secret = /webhook secret \(generated\): (whsec_\S+)/.exec(first.output())?.[1];
    expect(secret).toBeDefined();
    expect(first.output()).toContain(`keep it across restarts with --webhook-secret ${secret}`);
    const signing = /signing secret \(generated, for signed params\): (\S+)/.exec(first.output())?.[1];
    expect(signing).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.output()).toContain(`keep it across restarts with --signing-secret ${signing}`);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // No --allowed-origin: loopback pages on any port may call, and the output says so.
    expect(first.output()).toMatch(/browser origins allowed: loopback only \(localhost, 127\.0\.0\.1, \[::1\]\) on any port/);

    const body = queryBody();
    expect((await readSse(await postQuery(first, body))).at(-1)?.event).toBe('done');
    await hanging.waitForCount(1, 10_000); // the attempt is in flight: the receiver never answers it
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const up = await startReceiver(COMPLETIONS);
    const second = await runCli([
      '--data-dir',
      dataDir,
      '--webhook-url',
      up.url,
      '--webhook-secret',
      secret ?? '',
      '--signing-secret',
      signing ?? '',
    ]);
    expect(second.output()).not.toContain('generated');
    const delivery = await waitForDelivery(
      { url: second.url, config: { agents: [{ webhookSecret: secret ?? '' }] } },
      body.query_id,
      (d) => d.status === 'delivered',
      10_000,
    );
    expect(delivery.attempts).toBe(1);
    const [webhook] = up.received;
    expect(webhook!.headers['webhook-id']).toBe(hanging.received[0]!.headers['webhook-id']);
    expect(completed(verifyWebhook(webhook!.body, webhook!.headers, secret ?? '')).data.query_id).toBe(body.query_id);

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('serves the agents of --agents-file, printing the secret it generated for each agent that has none', async () => {
    const receiver = await startReceiver();
    const file = join(tempDir(), 'agents.json');
    const params = { user_id: { type: 'string', description: 'The customer id.' } };
    writeFileSync(
      file,
      JSON.stringify({
        agents: {
          shop: { webhookUrl: receiver.url, params },
          blog: { webhookUrl: receiver.url, webhookSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
        },
      }),
    );
    const cli = await runCli(['--data-dir', tempDir(), '--agents-file', file]);
    expect(cli.output()).toMatch(/webhook secret of agent shop \(generated\): whsec_/);
    expect(cli.output()).toContain(
      `"webhookSecret": "${/of agent shop \(generated\): (\S+)/.exec(cli.output())?.[1]}" for agent shop in ${file}`,
    );
    expect(cli.output()).not.toMatch(/webhook secret of agent blog \(generated\)/);
    // Neither names a signing secret, so each gets one, printed with where to pin it.
    expect(cli.output()).toMatch(
      /signing secret of agent blog \(generated, for signed params\): \S+\n {2}keep it across restarts with "signingSecret": "\S+" for agent blog in /,
    );
    expect(cli.output()).toContain('agent shop: model echo; webhooks → ' + receiver.url + '; params: user_id');
    expect(cli.output()).toContain('agent blog: model echo; webhooks → ' + receiver.url + '; params: any (none declared)');
    expect(await (await fetch(`${cli.url}/v1/agents/shop`)).json()).toEqual({ agent_id: 'shop', name: 'shop', params });
    const refused = await postQuery(cli, queryBody({ params: { user_Id: 'u' } }), { agent: 'shop' });
    expect(refused.status).toBe(400);

    const bad = spawn(process.execPath, ['--import', 'tsx', 'demo/backend/cli.ts', '--agents-file', file, '--webhook-url', receiver.url], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    bad.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await new Promise<number | null>((resolve) => bad.once('exit', resolve))).toBe(1);
    expect(output).toContain('webhookUrl cannot be combined with an agents file');
  }, 30_000);

  it('prints the usage text of every flag on --help and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/backend/cli.ts', '--help'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await new Promise<number | null>((resolve) => child.once('exit', resolve))).toBe(0);
    expect(output).toBe(`${USAGE}\n`);
  }, 15_000);

  it('refuses bad flag values in flag terms with exit code 1, and names --port when the port is taken', async () => {
    const bad = await runToExit(['--webhook-secret', 'mysecret', '--port', 'abc']);
    expect(bad.code).toBe(1);
    expect(bad.output).toBe(
      [
        '--port got "abc", allowed: a whole number from 0 to 65535 (0 picks a free one)',
        '--webhook-secret got "mysecret", allowed: whsec_ followed by base64 text (letters, digits, + and /, up to two = at the end); leave --webhook-secret out to have one generated and printed',
        '(npm run backend -- --help lists every flag)',
        '',
      ].join('\n'),
    );

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as AddressInfo).port;
    const busy = await runToExit(['--port', String(port), '--data-dir', tempDir()]);
    expect(busy.code).toBe(1);
    const suggested = new RegExp(
      `^Port ${port} on 127\\.0\\.0\\.1 is already in use: start the backend with another port, e\\.g\\. --port (\\d+) \\(free just now\\)$`,
      'm',
    ).exec(busy.output)?.[1];
    expect(suggested, busy.output).toBeDefined();
    expect(Number(suggested)).toBeGreaterThan(port);
    expect(await isPortFree(Number(suggested), '127.0.0.1')).toBe(true);
  }, 30_000);

  it('rejects an unknown flag with usage and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/backend/cli.ts', '--nope'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(output).toContain('--nope');
    expect(output).toContain('--webhook-url');
  }, 15_000);
});
