import { parseFlags, USAGE } from './config/index.js';
import { describeOrigins } from './cors.js';
import { startBackend } from './server.js';

async function main(): Promise<void> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const { help: _help, ...options } = flags;
  const backend = await startBackend(options);
  const { config } = backend;
  for (const agent of config.agents) {
    // One agent (the flags' shorthand) keeps the line its users know; several name the agent.
    const whose = config.agents.length > 1 ? ` of agent ${agent.id}` : '';
    if (agent.webhookSecretGenerated) console.log(`webhook secret${whose} (generated): ${agent.webhookSecret}`);
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

main().catch((error: unknown) => {
  console.error(`aicado backend failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
