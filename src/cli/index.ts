// `npx aicado-embed <command>`: the package's command line (built to dist/cli.js, the package's `bin`).
import { SDK_VERSION } from '../contract/version.js';
import { TYPES_USAGE, UsageError, runTypesCommand, terminalSafe } from './types-command.js';

const USAGE = `aicado-embed ${SDK_VERSION}

Commands:
  types   write the TypeScript type of an agent's declared params

${TYPES_USAGE}`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || args.includes('--help')) {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${SDK_VERSION}\n`);
    return 0;
  }
  try {
    if (command !== 'types') throw new UsageError(`unknown command "${command}"`);
    const report = await runTypesCommand(args, (text) => process.stdout.write(text));
    if (report) process.stderr.write(`${terminalSafe(report)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`aicado-embed: ${terminalSafe(error.message)}\n\n${USAGE}`);
      return 2;
    }
    // Messages quote what a server, a file or the command line said.
    process.stderr.write(`aicado-embed: ${terminalSafe(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
