import { type AgentConfig, FlagValueError, findFreePort, parseFlags, USAGE } from './config/index.js';
import { describeOrigins } from './cors.js';
import { startBackend } from './server.js';

async function main(): Promise<void> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    // A bad value is named with what is allowed; an unknown flag or a missing value gets the whole usage.
    if (error instanceof FlagValueError) {
      console.error(`${error.message}\n(npm run backend -- --help lists every flag)`);
      process.exit(1);
    }
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const { help: _help, ...options } = flags;
  const backend = await startBackend(options).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE')
      await exitPortTaken(options.port ?? 8787, options.host ?? '127.0.0.1');
    throw error;
  });
  const { config } = backend;
  for (const agent of config.agents) {
    for (const line of generatedSecretLines(agent, config.agents.length, options.agentsFile)) console.log(line);
    const declared = Object.keys(agent.params);
    console.log(
      `agent ${agent.id}: model ${agent.model}; webhooks → ${agent.webhookUrl}; params: ${declared.length ? declared.join(', ') : 'any (none declared)'}`,
    );
  }
  console.log(describeOrigins(config.allowedOrigins));
  console.log(`aicado backend listening on ${backend.url}`);

  const stop = (signal: string) => {
    console.log(`${signal} received, closing`);
    backend.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** Each secret generated for the agent, and how to pin it so the next start keeps it. */
function generatedSecretLines(agent: AgentConfig, agentCount: number, agentsFile: string | undefined): string[] {
  // One agent (the flags' shorthand) keeps the line its users know; several name the agent.
  const whose = agentCount > 1 ? ` of agent ${agent.id}` : '';
  const pin = (flag: string, field: string, secret: string) =>
    agentsFile === undefined ? `--${flag} ${secret}` : `"${field}": "${secret}" for agent ${agent.id} in ${agentsFile}`;
  const lines: string[] = [];
  if (agent.webhookSecretGenerated) {
    lines.push(`webhook secret${whose} (generated): ${agent.webhookSecret}`);
    lines.push(`  keep it across restarts with ${pin('webhook-secret', 'webhookSecret', agent.webhookSecret)}`);
  }
  if (agent.signingSecretGenerated) {
    lines.push(`signing secret${whose} (generated, for signed params): ${agent.signingSecret}`);
    lines.push(`  keep it across restarts with ${pin('signing-secret', 'signingSecret', agent.signingSecret)}`);
  }
  return lines;
}

/** A taken port is a flag to change: one line naming --port and a port that was free a moment ago, then exit 1. */
async function exitPortTaken(port: number, host: string): Promise<never> {
  const free = await findFreePort(port, host);
  const suggestion = free === undefined ? 'another port' : `another port, e.g. --port ${free} (free just now)`;
  console.error(`Port ${port} on ${host} is already in use: start the backend with ${suggestion}`);
  process.exit(1);
}

main().catch((error: unknown) => {
  console.error(`aicado backend failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
