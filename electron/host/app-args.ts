// The app's command line, shared by `npm start` (scripts/start.ts) and the Electron main process it may launch
// (which gets the same flags passed on): which cluster to start, which recording to open.
import { UserError } from '../../node-runtime/user-error.ts';
import { parseArgv } from '../../node-runtime/cli/argv.ts';
import { MAX_LOCAL_GROUP } from '../../node-runtime/protocol/config.ts';
import { isPresetName, PRESET_NAMES } from '../../node-runtime/protocol/presets.ts';
import type { PresetName } from '../../node-runtime/protocol/presets.ts';
import { PROTOCOL_FAMILIES } from '../../node-runtime/protocol/mode.ts';
import type { ProtocolFamily } from '../../node-runtime/protocol/mode.ts';

export interface AppArgs {
  readonly nodes: number;
  readonly mode: 'process' | 'embedded';
  /** Timings of the cluster launched at start (default: the fast defaults). */
  readonly preset: PresetName;
  /** The family it starts in (suspicion on); switchable from the panel. */
  readonly protocol: ProtocolFamily;
  /** A recording folder or file to open at start (the page gets `?replay=`). */
  readonly replay: string | undefined;
  /** Browser shell port; undefined: 5170 or the first free one after it. */
  readonly port: number | undefined;
  /** Launched nodes take the first free ports from here (default 3000). */
  readonly nodePorts: number | undefined;
  /** Open a window (Chromium in app mode) when a display exists. */
  readonly open: boolean;
  readonly help: boolean;
}

export const APP_USAGE = `usage: npm start -- [--nodes N] [--mode process|embedded] [--preset ${PRESET_NAMES.join('|')}] [--protocol gossip|ping] [--replay DIR] [--port N] [--node-ports N] [--no-open]
  --nodes N        nodes of the local cluster launched at start (default 8; 0: launch none)
  --mode M         process: one child process per node (default); embedded: all in the app's process
  --preset P       its timings: default (fast) or watch (~4× slower, to follow a pause and its refutation by eye)
  --protocol F     its family, with suspicion on: gossip (heartbeats, default) or ping (SWIM probes + Lifeguard)
  --replay DIR     open a recording (a folder of JSONL logs, or one file) at start
  --port N         browser shell port (default 5170, or the first free port after it)
  --node-ports N   launched nodes take the first free ports from N up (default 3000)
  --no-open        browser shell: print the URL, do not open Chromium`;

function int(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError('usage', `${flag} ${text}: expected a whole number ${min}..${max}`);
  return n;
}

/** `strict: false` for Electron, whose command line also carries Chromium's own switches. */
export function parseAppArgs(argv: readonly string[], opts: { strict?: boolean } = {}): AppArgs {
  const { values } = parseArgv(argv, {
    nodes: { type: 'string' }, mode: { type: 'string' }, preset: { type: 'string' }, protocol: { type: 'string' }, replay: { type: 'string' }, port: { type: 'string' },
    'node-ports': { type: 'string' },
    open: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  }, { strict: opts.strict ?? true });
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const modeText = str('mode') ?? 'process';
  if (modeText !== 'process' && modeText !== 'embedded') throw new UserError('usage', `--mode ${modeText}: expected process or embedded`);
  const preset = str('preset') ?? 'default';
  if (!isPresetName(preset)) throw new UserError('usage', `--preset ${preset}: expected ${PRESET_NAMES.join(' or ')}`);
  const protocol = str('protocol') ?? 'gossip';
  if (!(PROTOCOL_FAMILIES as readonly string[]).includes(protocol)) throw new UserError('usage', `--protocol ${protocol}: expected gossip or ping`);
  const portText = str('port');
  const nodePortsText = str('node-ports');
  return {
    nodes: int(str('nodes') ?? '8', '--nodes', 0, MAX_LOCAL_GROUP[modeText]),
    mode: modeText,
    preset,
    protocol: protocol as ProtocolFamily,
    replay: str('replay'),
    port: portText === undefined ? undefined : int(portText, '--port', 1, 65535),
    nodePorts: nodePortsText === undefined ? undefined : int(nodePortsText, '--node-ports', 1024, 65535),
    open: values.open !== false,
    help: values.help === true,
  };
}
