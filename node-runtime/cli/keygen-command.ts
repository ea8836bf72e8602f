// `hearsay keygen`: a new random cluster key (base64 of 32 bytes), as `serf keygen`.
import { generateKey } from '../transport/keyring.ts';
import { formatHelp, parseFlags } from './flags.ts';
import type { CliCommand } from './commands.ts';

const USAGE = 'hearsay keygen';
const DESCRIPTION = `Prints a new random cluster key. Give it to every node (HEARSAY_KEY=KEY, --key KEY or a line of
--keyring-file) to seal all gossip with AES-256-GCM and authenticate every TCP hello. Details: docs/protocol.md.`;

export const keygenCommand: CliCommand = {
  summary: 'print a new random cluster key (for HEARSAY_KEY, --key or a keyring file)',
  async run(argv) {
    const { values } = parseFlags(argv, {});
    if (values.help) {
      process.stdout.write(`${formatHelp(USAGE, DESCRIPTION, {})}\n`);
      return 0;
    }
    process.stdout.write(`${generateKey()}\n`);
    return 0;
  },
};
