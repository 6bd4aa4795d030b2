import { type ParseArgsConfig, parseArgs } from 'node:util';
import type * as z from 'zod/mini';
import { describeDefault, type Flag } from './flag.js';
import { FLAG_ENTRIES, FLAGS, type FlagValues, keysMerged } from './flags.js';

/** Options as flags give them: any flag may be absent; each given value has passed its flag's schema. */
export type FlagOptions = Partial<FlagValues>;

/** A flag given a value its schema refuses; the message names the flag as typed, what it got and what is allowed. */
export class FlagValueError extends Error {
  override readonly name = 'FlagValueError' as const;
  readonly code = 'invalid_flag' as const;
}

/**
 * Turns command-line flags into backend options; every flag is optional. An unknown flag or a missing value
 * throws parseArgs' own error; values a flag's schema refuses throw one `FlagValueError` naming each.
 */
export function parseFlags(args: readonly string[]): FlagOptions & { help: boolean } {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [, entry] of FLAG_ENTRIES) {
    for (const name of [entry.name, ...entry.aliases]) options[name] = { type: 'string', multiple: entry.repeatable };
  }
  const { values } = parseArgs({ args: [...args], strict: true, allowPositionals: false, options });
  const given: Record<string, unknown> = {};
  const refused: string[] = [];
  for (const [key, entry] of FLAG_ENTRIES) {
    const typed = [entry.name, ...entry.aliases].find((name) => values[name] !== undefined);
    if (typed === undefined) continue;
    const raw = values[typed] as string | string[];
    const texts = typeof raw === 'string' ? [raw] : raw;
    const items = texts.map((item) => entry.kind.parse(item));
    const value = entry.repeatable ? items : items[0];
    const checked = entry.schema.safeParse(value);
    if (checked.success) given[key] = value;
    else refused.push(describeRefusal(entry, typed, refusedText(entry, texts, checked.error.issues)));
  }
  if (refused.length) throw new FlagValueError(refused.join('\n'));
  return { ...(given as FlagOptions), help: values.help === true };
}

/** The text typed for a refused flag: the offending item of a repeatable flag, else all of it. */
function refusedText(entry: Flag, texts: string[], issues: readonly z.core.$ZodIssue[]): string {
  const index = entry.repeatable ? issues.find((issue) => typeof issue.path[0] === 'number')?.path[0] : undefined;
  return typeof index === 'number' ? (texts[index] ?? '') : texts.join(',');
}

function describeRefusal(entry: Flag, typed: string, got: string): string {
  const absent = 'generate' in entry.default ? `; leave --${typed} out to have one ${entry.default.says}` : '';
  return `--${typed} got ${JSON.stringify(got)}, allowed: ${entry.allowed}${absent}`;
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
