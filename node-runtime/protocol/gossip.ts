// One gossip round and the packet it sends. Gossip mode: the heartbeat is bumped and the whole list goes out when it
// fits in maxPacketBytes, otherwise self, the entries whose status or incarnation changed lately (the news), and a
// rotating window over the rest. Ping mode: only news, and only when there is some (memberlist's gossip timer).
import type { Send } from './core.ts';
import type { CoreState } from './state.ts';
import { PacketBuilder } from './codec.ts';
import type { Entry } from './entry.ts';
import { isLive } from './member-list.ts';
import type { Address } from './member-id.ts';
import { bumpHeartbeat, chooseTargets } from './heartbeat.ts';
import { swimMessage } from './probe.ts';
import { isIsolated } from './failure.ts';

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

  // Confirmed members first: entries nobody has heard from directly (a phantom flood among them) only fill what room
  // is left, so they cannot push the real members' heartbeats out of the packets (issue 9).
  const confirmed = others.filter((e) => e.confirmed);
  const unconfirmed = others.filter((e) => !e.confirmed);
  const packet = newPacket(st);
  const taken = new Set<Entry>();
  // News gets at most half the packet, so heartbeats of the rest keep flowing through a mass failure.
  const news = confirmed.filter((e) => e.changedAt >= now - st.config.failTimeoutMs).sort((a, b) => b.changedAt - a.changedAt);
  for (const e of news) {
    if (packet.bytes >= st.config.maxPacketBytes / 2 || !packet.add(e)) break;
    taken.add(e);
  }
  st.rotation = fill(packet, confirmed, st.rotation, taken);
  st.rotationUnconfirmed = fill(packet, unconfirmed, st.rotationUnconfirmed, taken);
  return packet.encode();
}

/** Adds `list` from `start` on (wrapping) until the packet is full; returns where the next packet starts. */
function fill(packet: PacketBuilder, list: readonly Entry[], start: number, taken: ReadonlySet<Entry>): number {
  let k = 0;
  for (; k < list.length; k++) {
    const e = list[(start + k) % list.length]!;
    if (!taken.has(e) && !packet.add(e)) break;
  }
  return list.length === 0 ? 0 : (start + k) % list.length;
}

/** A live member at `address` that this member may send to (it has spoken to us, or was vouched for). */
function confirmedLiveAt(st: CoreState, address: Address): boolean {
  return st.list.at(address).some((e) => isLive(e.status) && e.confirmed);
}

function newPacket(st: CoreState): PacketBuilder {
  const packet = new PacketBuilder(st.self, st.mode, st.config.maxPacketBytes);
  packet.add(st.self);
  return packet;
}

/** Whether this member gossips its heartbeat: in gossip mode, and for T_fail after switching to ping mode, so a
 *  member that has not heard of the switch yet does not time it out (a switch never fails anyone). */
export function gossipsHeartbeat(st: CoreState, now: number): boolean {
  return st.mode.family === 'gossip' || now < st.modeSince + st.config.failTimeoutMs;
}

/** Gossip mode: bumps the heartbeat and sends the list to `fanout` random live members. Ping mode: sends the news
 *  queue, if any, to `fanout` random live members. */
export function gossipRound(st: CoreState, now: number): Send[] {
  st.timers.set('gossip', now + st.config.gossipIntervalMs);
  const heartbeat = gossipsHeartbeat(st, now);
  if (!heartbeat && st.broadcasts.size === 0) return [];
  // A member that just joined announces itself to all it knows (up to leaveFanout): until its datagram proves it
  // exists, nobody else may send to it (member-list.ts `confirmed`).
  const drawn = st.announce ? announceTargets(st, now) : chooseTargets(st, now, st.config.fanout);
  st.announce = false;
  // Most rounds owe no joiner: no second array then (this runs every round of every member).
  const to = heartbeat && st.welcome.length > 0 ? [...drawn, ...welcomed(st, now, drawn)] : drawn;
  if (to.length === 0) return [];
  let message: Pick<Send, 'bytes' | 'news'>;
  if (heartbeat) {
    bumpHeartbeat(st, now);
    message = { bytes: buildPacket(st, now) };
  } else {
    message = swimMessage(st, 'gossip', undefined);
  }
  const sends: Send[] = to.map((e) => ({ to: e.address, ...message, kind: 'gossip' }));
  return st.unannounced.length === 0 ? sends : [...sends, ...helloBatch(st, to)];
}

/** The introducer's first round after a joiner's first datagram (which confirms it: a forged join names an address
 *  that never speaks, and is never sent to) goes to the joiner too, up to leaveFanout joiners owed at once: a joiner
 *  whose snapshot lists few (the first joiners know only the introducer) otherwise hears the group's heartbeats only
 *  through members that pick it at random, and one never picked for T_fail failed the introducer (1 in ~1,200
 *  simulated starts of 8). */
function welcomed(st: CoreState, now: number, drawn: readonly Entry[]): Entry[] {
  const to: Entry[] = [];
  st.welcome = st.welcome.filter((w) => {
    const e = st.list.get(w.id);
    if (e === undefined || !isLive(e.status) || w.until <= now) return false;
    if (!e.confirmed) return true;
    if (!drawn.includes(e)) to.push(e);
    return false;
  });
  return to;
}

/** A joiner's first round: up to leaveFanout members, and the introducer if it was not drawn. The introducer's join
 *  snapshot lists only members it has heard from directly, so until the joiner has spoken to it, later joiners are
 *  not told of it; in ping mode, where news of the join stops after λ·log N sends, they then never heard of it
 *  (nor it of them: neither may send to a member that has not spoken to it) until a push-pull (simulated: 32 of 100
 *  members started 100 ms apart missed one after 20 s). In gossip mode the rest of the snapshot is told over the
 *  next rounds (`helloBatch`). */
function announceTargets(st: CoreState, now: number): Entry[] {
  const gossip = st.mode.family === 'gossip';
  const all = chooseTargets(st, now, gossip ? st.list.size : st.config.leaveFanout);
  const to = all.slice(0, st.config.leaveFanout);
  if (gossip) st.unannounced = all.slice(st.config.leaveFanout);
  if (st.introducer === undefined || to.some((e) => e.address === st.introducer)) return to;
  return [...to, ...st.list.at(st.introducer).filter((e) => isLive(e.status) && e.confirmed)];
}

/** Gossip mode: a joiner's fail timers assume it hears the group's gossip at the steady rate (fanout packets a
 *  round), but a member gossips only to members that have spoken to it (member-list.ts `confirmed`), so one told by
 *  the joiner's first round and its fanout a round after would leave it hearing a fraction of the heartbeats for
 *  minutes (a group of 1,000 learns of it from 3 + 3 a round): simulated growth to 500 and 1,000 failed a live
 *  member so. So the rest of its join snapshot is told leaveFanout a round, by a datagram holding only its own entry
 *  (~40 B, one merge at the receiver), and within ~N / leaveFanout rounds every member gossips to it. */
function helloBatch(st: CoreState, told: readonly Entry[]): Send[] {
  const batch = st.unannounced.splice(0, st.config.leaveFanout).filter((e) => isLive(e.status) && !told.includes(e));
  if (st.mode.family !== 'gossip' || batch.length === 0) return [];
  const bytes = newPacket(st).encode();
  return batch.map((e) => ({ to: e.address, bytes, kind: 'gossip' }));
}

/** Every introducerProbeMs, while no live member is known at the introducer's address that we may send to, our list
 *  goes there, so a restarted introducer relearns the group. Known only second-hand (a new version heard of by gossip)
 *  is not enough: then neither sends to the other, the introducer never vouches for us, and the rest of the group
 *  (who may send only to members that spoke to them or were vouched for) hardly ever sends to us either. Soak: a
 *  member that joined during a partition, while the introducer restarted, was sent to by three members only; when
 *  none of the three picked it for 2.9 s it timed out all 32 others, and its failed-notices restarted each of them. */
export function introducerProbe(st: CoreState, now: number): Send[] {
  st.timers.set('introducer', now + st.config.introducerProbeMs);
  if (st.introducer === undefined || confirmedLiveAt(st, st.introducer)) return [];
  return [{ to: st.introducer, bytes: isIsolated(st) ? newPacket(st).encode() : buildPacket(st, now), kind: 'gossip' }];
}
