// `hearsay keys list|install KEY|use KEY|remove KEY --via HOST:PORT`: one keyring step on every live member, as
// `serf keys`. Rotation without downtime is three of them: install the new key, use it, remove the old one; each step
// must reach every node before the next (the command says which nodes it did not reach, and exits 2 then).
import { controlRequest } from '../control/client.ts';
import { liveMembers } from '../grep/dgrep.ts';
import type { KeyringListing } from '../transport/keyring.ts';
import { UserError } from '../user-error.ts';
import { checkAddress, formatHelp, numberFlag, parseFlags, stringFlag } from './flags.ts';
import type { FlagSpecs } from './flags.ts';
import { KEY_FLAGS, keyringFromFlags } from './key-flags.ts';
import type { CliCommand } from './commands.ts';

const FLAGS: FlagSpecs = {
  via: { type: 'string', value: 'HOST:PORT', help: 'ask this member for the membership', default: '127.0.0.1:3000' },
  timeout: { type: 'string', value: 'S', help: 'per node: give up when it has not answered within S seconds', default: '5' },
  ...KEY_FLAGS,
};

const USAGE = 'hearsay keys list|install KEY|use KEY|remove KEY [--via HOST:PORT] [--key KEY | --keyring-file FILE]';
const DESCRIPTION = `Runs one keyring step on every live member (as serf keys). Rotate the cluster key without downtime:
  hearsay keys install NEW; hearsay keys use NEW (with HEARSAY_KEY=OLD or NEW); hearsay keys remove OLD (with NEW).
The command itself authenticates with the key given (HEARSAY_KEY, --key, --keyring-file). list prints each node's
key fingerprints, primary first. Details: docs/protocol.md, "Security".`;

export const keysCommand: CliCommand = {
  summary: 'list or rotate the cluster key on every live member (install, use, remove)',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, FLAGS, { positionals: true });
    if (values.help) {
      process.stdout.write(`${formatHelp(USAGE, DESCRIPTION, FLAGS)}\n`);
      return 0;
    }
    const [action, key, ...rest] = positionals;
    const needsKey = action === 'install' || action === 'use' || action === 'remove';
    if ((action !== 'list' && !needsKey) || (needsKey ? key === undefined : key !== undefined) || rest.length > 0) {
      throw new UserError('usage', `usage: ${USAGE}`);
    }
    const via = checkAddress(stringFlag(values, 'via') ?? '127.0.0.1:3000', '--via');
    const timeoutMs = (numberFlag(values, 'timeout', { min: 0.1, max: 600 }) ?? 5) * 1000;
    const keyring = keyringFromFlags(values);
    const targets = await liveMembers(via, timeoutMs, keyring);
    const results = await Promise.all(targets.map(({ address }) =>
      controlRequest(address, 'keyring', key === undefined ? [action] : [action, key], { timeoutMs, keyring }).then(
        (r) => ({ address, ok: true as const, listing: r as KeyringListing }),
        (err: Error) => ({ address, ok: false as const, error: err.message }))));
    for (const r of results) {
      process.stdout.write(r.ok ? `${r.address}  ${r.listing.keys.map((k) => (k === r.listing.primary ? `${k}*` : k)).join(' ')}\n`
        : `${r.address}  FAILED: ${r.error}\n`);
    }
    const done = results.filter((r) => r.ok).length;
    process.stderr.write(`-- ${action}: ${done} of ${results.length} nodes (* = primary: seals what the node sends)\n`);
    return done === results.length ? 0 : 2;
  },
};
