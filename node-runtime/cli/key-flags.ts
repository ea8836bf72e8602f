// The cluster key on the command line, for every command that talks to nodes (node, cluster, ctl, dgrep): a key
// (`--key`, or HEARSAY_KEY, which `ps` does not show) or a keyring file. Without any, nothing is sealed.
import { Keyring, keyringOf } from '../transport/keyring.ts';
import { UserError } from '../user-error.ts';
import { stringFlag } from './flags.ts';
import type { FlagSpecs, FlagValues } from './flags.ts';

export const KEY_ENV = 'HEARSAY_KEY';

export const KEY_FLAGS: FlagSpecs = {
  key: { type: 'string', value: 'KEY', help: `cluster key (hearsay keygen); ${KEY_ENV} does the same and stays out of ps` },
  'keyring-file': { type: 'string', value: 'FILE', help: 'cluster keyring: a key per line, the first seals; changes are saved' },
};

/** The keyring the flags (or HEARSAY_KEY) name, or undefined for an unkeyed cluster. */
export function keyringFromFlags(values: FlagValues, env: NodeJS.ProcessEnv = process.env): Keyring | undefined {
  const key = stringFlag(values, 'key') ?? env[KEY_ENV];
  const file = stringFlag(values, 'keyring-file');
  if (key !== undefined && file !== undefined) throw new UserError('usage', 'give --key (or HEARSAY_KEY) or --keyring-file, not both');
  if (file !== undefined) return Keyring.fromFile(file);
  return key === undefined || key === '' ? undefined : keyringOf(key);
}
