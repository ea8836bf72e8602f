// A node slot is an address: stable across restarts, while its member id changes with every new version. The ring,
// the matrix and the selection are indexed by slot, so a restarted node keeps its place and stays selected.
import { addressOf, parseMemberId } from '../../node-runtime/protocol/member-id.ts';
import type { Address, MemberId } from '../../node-runtime/protocol/member-id.ts';
import type { ClusterNode, NodeRunState } from '../../electron/host/api.ts';
import type { MembershipState } from './membership-state.ts';

export interface Slot {
  readonly address: Address;
  /** The current run's id: the host's when it knows one, else the newest version seen in the events. */
  readonly id: MemberId | undefined;
  /** The host's process state; undefined in replay or before the host reported it. */
  readonly run: NodeRunState | undefined;
  readonly managed: boolean;
  /** A Serf agent: offers Serf's force-leave. */
  readonly serf?: boolean;
}

function versionOf(id: MemberId): number {
  return parseMemberId(id)?.version ?? -1;
}

/** host, then port numerically, so a local cluster sits on the ring in port order. */
export function compareAddresses(a: Address, b: Address): number {
  const pa = parseMemberId(`${a}@0`);
  const pb = parseMemberId(`${b}@0`);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  if (pa.host !== pb.host) return pa.host < pb.host ? -1 : 1;
  return pa.port - pb.port;
}

/** Slots from the host's node list when it has one (live), else from every id the events mention (replay). */
/** `only`: replay of a pair — the slots of one side's addresses (live sides come as `nodes`). */
export function buildSlots(state: MembershipState, nodes: readonly ClusterNode[] = [], only?: ReadonlySet<Address>): Slot[] {
  const newest = new Map<Address, MemberId>();
  for (const id of state.allIds()) {
    const address = addressOf(id);
    const known = newest.get(address);
    if (known === undefined || versionOf(id) > versionOf(known)) newest.set(address, id);
  }
  const slots: Slot[] = nodes.length > 0
    ? nodes.map((n) => ({ address: n.address, id: n.id ?? newest.get(n.address), run: n.state, managed: n.managed, serf: n.kind === 'serf' }))
    : [...newest].filter(([address]) => !only || only.has(address)).map(([address, id]) => ({ address, id, run: undefined, managed: false }));
  return slots.sort((a, b) => compareAddresses(a.address, b.address));
}

/** Short label for a slot: the port, and the last digits of the version so a restart is visible. */
export function slotLabel(slot: Slot): string {
  const parsed = slot.id ? parseMemberId(slot.id) : parseMemberId(`${slot.address}@0`);
  if (!parsed) return slot.address;
  return slot.id ? `${parsed.port}·${String(parsed.version).slice(-3)}` : String(parsed.port);
}

/** Whether two slot tables have the same addresses in the same order (the same ring layout). */
export function sameAddresses(a: readonly Slot[], b: readonly Slot[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.address !== b[i]!.address) return false;
  return true;
}
