// Faults for processes that have neither a block list nor a drop rate (Serf agents): iptables rules on loopback, one
// chain per node (`HSNET<port>`, jumped to from INPUT) acting on what reaches the node's gossip port, rebuilt from the
// node's state on every change.
// - A cut drops what comes from the nodes it is cut from. UDP is cut exactly (memberlist sends from its bound port).
//   TCP cannot be: the dialling end of memberlist's streams (fallback pings, push-pull) uses an ephemeral port on the
//   same address, so a node under a cut takes no TCP at its gossip port at all; its own side still gossips over UDP.
// - A drop rate drops that share of the UDP arriving at the port (the `statistic` match), on the receiving side like
//   a hearsay node's own drop, and like bench:peers' loss.
// Needs root (the app refuses otherwise); every rule goes when its fault is lifted, on stop, and on the host's exit
// (synchronously), so none outlives the cluster.
import { spawnSync } from 'node:child_process';
import { UserError } from '../../node-runtime/user-error.ts';

/** iptables' multiport match takes at most 15 ports. */
const MULTIPORT_MAX = 15;

let usable: boolean | undefined;

/** Root and a working iptables (checked once). */
export function iptablesUsable(): boolean {
  usable ??= process.getuid?.() === 0 && spawnSync('iptables', ['-w', '-nL', 'INPUT'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  return usable;
}

interface Faults {
  readonly from: readonly number[];
  readonly drop: number;
}

export class IptablesFaults {
  /** Per port with a chain installed, the faults its rules stand for. */
  private readonly chains = new Map<number, Faults>();

  /** The node at `port` stops hearing the nodes at `from` (empty: hears everyone again). */
  cut(port: number, from: readonly number[]): void {
    this.apply(port, { drop: this.chains.get(port)?.drop ?? 0, from }, 'partitioning');
  }

  /** The node at `port` loses `rate` (0–1) of the datagrams that reach it. */
  drop(port: number, rate: number): void {
    this.apply(port, { from: this.chains.get(port)?.from ?? [], drop: rate }, 'dropping datagrams of');
  }

  /** Lifts every cut, keeping drop rates (a heal). Never throws. */
  healAll(): void {
    for (const [port, faults] of [...this.chains]) {
      if (faults.drop > 0) this.apply(port, { from: [], drop: faults.drop }, 'partitioning');
      else this.clear(port);
    }
  }

  /** Idempotent and never throws: runs on stop and exit. */
  clearAll(): void {
    for (const port of [...this.chains.keys()]) this.clear(port);
  }

  private apply(port: number, faults: Faults, what: string): void {
    if (faults.from.length === 0 && faults.drop === 0) return this.clear(port);
    if (!iptablesUsable()) throw new UserError('state', `${what} Serf agents needs root (iptables)`);
    const chain = chainOf(port);
    const fresh = !this.chains.has(port);
    this.chains.set(port, faults);
    if (fresh) {
      run('-N', chain);
      run('-I', 'INPUT', '-i', 'lo', '-j', chain);
    } else run('-F', chain);
    for (let i = 0; i < faults.from.length; i += MULTIPORT_MAX) {
      run('-A', chain, '-p', 'udp', '--dport', String(port), '-m', 'multiport', '--sports', faults.from.slice(i, i + MULTIPORT_MAX).join(','), '-j', 'DROP');
    }
    if (faults.from.length > 0) run('-A', chain, '-p', 'tcp', '--dport', String(port), '-j', 'DROP');
    if (faults.drop > 0) {
      run('-A', chain, '-p', 'udp', '--dport', String(port), '-m', 'statistic', '--mode', 'random', '--probability', faults.drop.toFixed(4), '-j', 'DROP');
    }
  }

  private clear(port: number): void {
    if (!this.chains.delete(port)) return;
    const chain = chainOf(port);
    spawnSync('iptables', ['-w', '-D', 'INPUT', '-i', 'lo', '-j', chain], { stdio: 'ignore' });
    spawnSync('iptables', ['-w', '-F', chain], { stdio: 'ignore' });
    spawnSync('iptables', ['-w', '-X', chain], { stdio: 'ignore' });
  }
}

function chainOf(port: number): string {
  return `HSNET${port}`;
}

function run(...args: string[]): void {
  const r = spawnSync('iptables', ['-w', ...args], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new UserError('refused', `iptables ${args.join(' ')}: ${r.stderr.trim() || 'failed'}`);
}
