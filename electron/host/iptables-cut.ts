// A partition for processes that have no block list (Serf agents): iptables rules on loopback, one chain per node
// (`HSCUT<port>`, jumped to from INPUT) dropping what reaches the node's gossip port from the nodes it is cut from.
// UDP is cut exactly (memberlist sends from its bound port). TCP cannot be: the dialling end of memberlist's streams
// (fallback pings, push-pull) uses an ephemeral port on the same address, so a node under a cut takes no TCP at its
// gossip port at all; its own side still gossips over UDP. Needs root (the app refuses otherwise); every rule goes on
// heal, on stop, and on the host's exit (synchronously), so none outlives the cluster.
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

export class IptablesCut {
  /** Ports whose chain is installed. */
  private readonly chains = new Set<number>();

  /** The node at `port` stops hearing the nodes at `from` (empty: hears everyone again). */
  set(port: number, from: readonly number[]): void {
    if (from.length === 0) return this.clear(port);
    if (!iptablesUsable()) throw new UserError('state', 'partitioning Serf agents needs root (iptables)');
    const chain = chainOf(port);
    if (this.chains.has(port)) run('-F', chain);
    else {
      run('-N', chain);
      this.chains.add(port);
      run('-I', 'INPUT', '-i', 'lo', '-j', chain);
    }
    for (let i = 0; i < from.length; i += MULTIPORT_MAX) {
      run('-A', chain, '-p', 'udp', '--dport', String(port), '-m', 'multiport', '--sports', from.slice(i, i + MULTIPORT_MAX).join(','), '-j', 'DROP');
    }
    run('-A', chain, '-p', 'tcp', '--dport', String(port), '-j', 'DROP');
  }

  /** Idempotent and never throws: runs on heal, stop and exit. */
  clear(port: number): void {
    if (!this.chains.delete(port)) return;
    const chain = chainOf(port);
    spawnSync('iptables', ['-w', '-D', 'INPUT', '-i', 'lo', '-j', chain], { stdio: 'ignore' });
    spawnSync('iptables', ['-w', '-F', chain], { stdio: 'ignore' });
    spawnSync('iptables', ['-w', '-X', chain], { stdio: 'ignore' });
  }

  clearAll(): void {
    for (const port of [...this.chains]) this.clear(port);
  }
}

function chainOf(port: number): string {
  return `HSCUT${port}`;
}

function run(...args: string[]): void {
  const r = spawnSync('iptables', ['-w', ...args], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new UserError('refused', `iptables ${args.join(' ')}: ${r.stderr.trim() || 'failed'}`);
}
