import { type ParseArgsConfig, parseArgs } from 'node:util';
import { describeDefault } from './flag.js';
import { FLAG_ENTRIES, FLAGS, type FlagValues, keysMerged } from './flags.js';

/** Options as flags give them: any flag may be absent; values are checked later by `resolveConfig`. */
export type FlagOptions = Partial<FlagValues>;

/** Turns command-line flags into backend options; every flag is optional. */
export function parseFlags(args: readonly string[]): FlagOptions & { help: boolean } {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [, entry] of FLAG_ENTRIES) {
    for (const name of [entry.name, ...entry.aliases]) options[name] = { type: 'string', multiple: entry.repeatable };
  }
  const { values } = parseArgs({ args: [...args], strict: true, allowPositionals: false, options });
  const given: Record<string, unknown> = {};
  for (const [key, entry] of FLAG_ENTRIES) {
    const raw = [entry.name, ...entry.aliases].map((name) => values[name]).find((value) => value !== undefined);
    if (raw === undefined) continue;
    given[key] = entry.repeatable ? (raw as string[]).map((item) => entry.kind.parse(item)) : entry.kind.parse(raw as string);
  }
  return { ...(given as FlagOptions), help: values.help === true };
}

function usage(): string {
  const agentFlags = keysMerged('agent')
    .map((key) => `--${FLAGS[key].name}`)
    .join(', ');
  const rows = FLAG_ENTRIES.map(([, entry]): [string, string] => {
    const notes = [
      entry.help,
      entry.repeatable ? 'repeatable' : '',
      entry.merge === 'fallback' ? 'also for file agents that name none' : '',
      entry.merge === 'file' ? `instead of ${agentFlags}` : '',
      ...entry.aliases.map((alias) => `old name --${alias}`),
    ];
    return [`--${entry.name} ${entry.value}`, `${notes.filter(Boolean).join('; ')} (${describeDefault(entry)})`];
  });
  rows.push(['-h, --help', 'print this text']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const lines = rows.flatMap(([left, right]) =>
    wrap(right, RIGHT_COLUMN_WIDTH).map((line, i) => `  ${(i ? '' : left).padEnd(width)}${line}`),
  );
  return `Usage: npm run backend -- [flags]\n\n${lines.join('\n')}\n`;
}

/** Wide enough for most meanings on one line, narrow enough to read in a 120-column terminal. */
const RIGHT_COLUMN_WIDTH = 84;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}

/** The `--help` text: each flag with its meaning and its default. */
export const USAGE = usage();
