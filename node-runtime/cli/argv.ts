// Command-line parsing shared by `hearsay`, the browser shell and the app: node:util parseArgs in its lenient token
// mode, checked here so that every mistake is told by kind, in our words, and never by rewording Node's messages.
// Lenient mode also takes a value that starts with a dash (`--port -1`), so a negative number reaches the range check
// ("expected an integer in 1..65535") instead of Node's "argument is ambiguous".
import { parseArgs } from 'node:util';
import { UserError } from '../user-error.ts';

export type ArgvOptions = Record<string, { readonly type: 'string' | 'boolean'; readonly short?: string }>;
export type ArgvValues = Record<string, string | boolean | undefined>;

export function parseArgv(
  argv: readonly string[],
  options: ArgvOptions,
  opts: { positionals?: boolean; strict?: boolean } = {},
): { values: ArgvValues; positionals: string[] } {
  const { values, positionals, tokens } = parseArgs({
    args: [...argv], options, strict: false, allowPositionals: true, allowNegative: true, tokens: true,
  });
  const hint = ' (see --help)';
  const strict = opts.strict ?? true;
  for (const token of tokens) {
    if (token.kind === 'positional' && strict && !opts.positionals) {
      throw new UserError('usage', `unexpected argument ${token.value}${hint}`);
    }
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    if (!spec) {
      if (strict) throw new UserError('usage', `unknown flag ${token.rawName}${hint}`);
      continue;
    }
    if (spec.type === 'string' && token.value === undefined) throw new UserError('usage', `${token.rawName} needs a value${hint}`);
    if (spec.type === 'boolean' && token.value !== undefined) throw new UserError('usage', `${token.rawName} takes no value${hint}`);
  }
  return { values: values as ArgvValues, positionals };
}
