// Flag parsing for every `hearsay` command: parseArgv (argv.ts) plus typed converters and generated --help, so each
// flag is declared once with its help line. Every mistake becomes a one-line UserError.
import { parseAddress } from '../protocol/member-id.ts';
import type { Address } from '../protocol/member-id.ts';
import { UserError } from '../user-error.ts';
import { parseArgv } from './argv.ts';
import type { ArgvOptions, ArgvValues } from './argv.ts';

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** Placeholder in help, e.g. HOST:PORT. */
  readonly value?: string;
  readonly help: string;
  /** Shown in help only; converters apply the real default. */
  readonly default?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;
export type FlagValues = ArgvValues;

export function parseFlags(
  argv: readonly string[],
  specs: FlagSpecs,
  opts: { positionals?: boolean } = {},
): { values: FlagValues; positionals: string[] } {
  const options: ArgvOptions = Object.fromEntries(Object.entries(specs).map(([name, s]) => [name, { type: s.type }]));
  return parseArgv(argv, { ...options, help: { type: 'boolean', short: 'h' } }, { positionals: opts.positionals });
}

export function formatHelp(usage: string, description: string, specs: FlagSpecs): string {
  const rows = Object.entries(specs).map(([name, s]) => {
    const left = `  --${name}${s.value ? ` ${s.value}` : ''}`;
    const def = s.default !== undefined ? ` (default ${s.default})` : '';
    return `${left.padEnd(26)} ${s.help}${def}`;
  });
  return [`usage: ${usage}`, '', description, '', 'flags:', ...rows, `${'  --help, -h'.padEnd(26)} this help`].join('\n');
}

function str(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function stringFlag(values: FlagValues, name: string): string | undefined {
  return str(values, name);
}

export function numberFlag(
  values: FlagValues, name: string, range: { min: number; max: number; integer?: boolean },
): number | undefined {
  const text = str(values, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < range.min || n > range.max || (range.integer && !Number.isInteger(n))) {
    throw new UserError('usage', `--${name} ${text}: expected ${range.integer ? 'an integer' : 'a number'} in ${range.min}..${range.max}`);
  }
  return n;
}

export function portFlag(values: FlagValues, name: string): number | undefined {
  return numberFlag(values, name, { min: 1, max: 65535, integer: true });
}

export function addressFlag(values: FlagValues, name: string): Address | undefined {
  const text = str(values, name);
  if (text === undefined) return undefined;
  return checkAddress(text, `--${name}`);
}

export function checkAddress(text: string, what: string): Address {
  if (!parseAddress(text)) throw new UserError('usage', `${what} ${text}: expected HOST:PORT, e.g. 127.0.0.1:3000`);
  return text;
}

export function choiceFlag<T extends string>(values: FlagValues, name: string, choices: readonly T[]): T | undefined {
  const text = str(values, name);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) throw new UserError('usage', `--${name} ${text}: expected ${choices.join(' or ')}`);
  return text as T;
}
