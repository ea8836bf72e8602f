// `hearsay`: dispatches to a command of the registry. A UserError (bad flag, busy port, unreachable peer…) is one
// line on stderr and a non-zero exit; anything else is a bug and keeps its stack.
import { COMMANDS } from './commands.ts';
import { UserError } from '../user-error.ts';

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  return [
    'usage: hearsay <command> [flags]',
    '',
    'hearsay: gossip membership you can watch.',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
    'hearsay <command> --help explains each command and its flags.',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${topHelp()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UserError('usage', `unknown command '${name}' (hearsay --help lists them)`);
  return command.run(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UserError)) throw err;
  process.stderr.write(`hearsay: ${err.message}\n`);
  process.exitCode = err.exitCode;
}
