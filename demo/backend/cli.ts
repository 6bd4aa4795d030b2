import { parseFlags, USAGE } from './config.js';
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
  if (config.webhookSecretGenerated) console.log(`webhook secret (generated): ${config.webhookSecret}`);
  console.log(`agents: ${config.agents.join(', ')}; model: ${config.model}; webhooks → ${config.webhookUrl}`);
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
