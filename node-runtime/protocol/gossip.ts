// One gossip round and the packet it sends: the whole list when it fits in maxPacketBytes, otherwise self, the
// entries whose status or incarnation changed lately (the news), and a rotating window over the rest.
import type { Send } from './core.ts';
import type { CoreState } from './state.ts';
import { PacketBuilder } from './codec.ts';
import type { Entry } from './member-list.ts';
import { isLive } from './member-list.ts';
import type { Address } from './member-id.ts';
import { bumpHeartbeat, chooseTargets } from './heartbeat.ts';

/** The introducer (a member that joined through nobody) lists only members it has confirmed: the others trust its
 *  gossip, as they trust its join snapshot, to tell them whom they may send to (member-list.ts). */
export function buildPacket(st: CoreState, now: number): Uint8Array {
  const vouches = st.introducer === undefined;
  const others: Entry[] = [];
  for (const e of st.list.values()) if (e !== st.self && (e.confirmed || !vouches)) others.push(e);
  // Entries only grow (heartbeats, newer versions): once n others did not fit, n or more will not either.
  if (others.length < st.wholeTooBig) {
    const whole = newPacket(st);
    if (others.every((e) => whole.add(e))) return whole.encode();
    st.wholeTooBig = others.length;
  }

  const packet = newPacket(st);
  const taken = new Set<Entry>();
  // News gets at most half the packet, so heartbeats of the rest keep flowing through a mass failure.
  const news = others.filter((e) => e.changedAt >= now - st.config.failTimeoutMs).sort((a, b) => b.changedAt - a.changedAt);
  for (const e of news) {
    if (packet.bytes >= st.config.maxPacketBytes / 2 || !packet.add(e)) break;
    taken.add(e);
  }
  let k = 0;
  for (; k < others.length; k++) {
    const e = others[(st.rotation + k) % others.length]!;
    if (!taken.has(e) && !packet.add(e)) break;
  }
  st.rotation = (st.rotation + k) % others.length;
  return packet.encode();
}

function liveAt(st: CoreState, address: Address): boolean {
  for (const e of st.list.values()) if (e.address === address && isLive(e.status)) return true;
  return false;
}

function newPacket(st: CoreState): PacketBuilder {
  const packet = new PacketBuilder(st.self, st.mode, st.config.maxPacketBytes);
  packet.add(st.self);
  return packet;
}

/** Bumps the heartbeat and gossips to `fanout` random live members; also, every introducerProbeMs, to the
 *  introducer's address while no live member is known there, so a restarted introducer relearns the group. */
export function gossipRound(st: CoreState, now: number): Send[] {
  bumpHeartbeat(st, now);
  st.nextGossipAt = now + st.config.gossipIntervalMs;
  // A member that just joined announces itself to all it knows (up to leaveFanout): until its datagram proves it
  // exists, nobody else may send to it (member-list.ts `confirmed`).
  const to = chooseTargets(st, now, st.announce ? st.config.leaveFanout : st.config.fanout).map((e) => e.address);
  st.announce = false;
  if (st.introducer !== undefined && now >= st.nextProbeAt) {
    st.nextProbeAt = now + st.config.introducerProbeMs;
    if (!liveAt(st, st.introducer)) to.push(st.introducer);
  }
  if (to.length === 0) return [];
  const bytes = buildPacket(st, now);
  return to.map((address) => ({ to: address, bytes }));
}
