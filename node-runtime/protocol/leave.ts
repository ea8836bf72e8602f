// Voluntary leave: the member announces `left` at a bumped incarnation, so it outranks anything gossiped about it,
// straight to up to leaveFanout live members; they gossip it on until cleanup, and record `leave`, not `fail`.
import type { Send } from './core.ts';
import type { CoreState } from './state.ts';
import { emit } from './state.ts';
import { PacketBuilder } from './codec.ts';
import { chooseTargets } from './heartbeat.ts';

export function leave(st: CoreState, now: number): Send[] {
  st.self.status = 'left';
  st.list.liveChanged(-1);
  st.self.incarnation++;
  st.self.changedAt = now;
  emit(st, now, 'stop', st.self, 'leave');
  const packet = new PacketBuilder(st.self, st.mode, st.config.maxPacketBytes);
  packet.add(st.self);
  const bytes = packet.encode();
  return chooseTargets(st, now, st.config.leaveFanout).map((e) => ({ to: e.address, bytes, kind: 'gossip' }));
}
