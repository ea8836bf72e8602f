import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLIGHT_MS, DROP_END, PacketFlights, TONE, toneOf } from './packet-flights.ts';
import type { News, Trace } from '../../node-runtime/protocol/trace.ts';

const slotOf = (a: string) => (a.startsWith('n') ? Number(a.slice(1)) : undefined);
const send = (from: number, to: number, news: News[] = [], dropped?: 'blocked'): Trace =>
  ({ type: 'send', kind: 'gossip', from: `n${from}`, to: `n${to}`, bytes: 100, news, ...(dropped ? { dropped } : {}) });
const drop = (from: number, to: number): Trace => ({ type: 'drop', from: `n${from}`, to: `n${to}`, bytes: 100, cause: 'drop' });

test('a packet is coloured by its most serious news', () => {
  assert.equal(toneOf([]), TONE.plain);
  assert.equal(toneOf([{ member: 'm', status: 'alive', incarnation: 1 }]), TONE.refute);
  assert.equal(toneOf([{ member: 'm', status: 'alive', incarnation: 1 }, { member: 'k', status: 'failed', incarnation: 0 }]), TONE.fail);
  assert.equal(toneOf([{ member: 'm', status: 'suspect', incarnation: 0 }, { member: 'k', status: 'left', incarnation: 1 }]), TONE.suspect);
});

test('packets fly for FLIGHT_MS; a receiver\'s drop marks the flying one, which fades mid-way', () => {
  const f = new PacketFlights(10);
  f.add([send(1, 2), send(1, 3), send(4, 4)], 0, 0, slotOf);
  assert.equal(f.count, 2, 'a packet to itself is not drawn');
  f.add([drop(1, 3)], 0, 5, slotOf);
  assert.equal(f.count, 2, 'the drop marks the packet in flight, it does not add one');
  assert.deepEqual([...f.dropped.subarray(0, 2)], [0, 1]);
  f.step(FLIGHT_MS * DROP_END + 1);
  assert.deepEqual([f.count, f.to[0]], [1, 2]);
  f.step(FLIGHT_MS + 1);
  assert.equal(f.count, 0);
  f.add([send(1, 2, [], 'blocked'), drop(5, 6)], 0, 0, slotOf);
  assert.deepEqual([...f.dropped.subarray(0, f.count)], [1, 1], 'blocked at the sender, or refused with no send seen: drawn dropped');
  assert.deepEqual([f.seen, f.seenDropped], [6, 3]);
});

test('bounded: beyond capacity plain heartbeats are left out and counted; news displaces the oldest plain packet', () => {
  const f = new PacketFlights(3);
  f.add([send(1, 2), send(2, 3), send(3, 1), send(1, 3)], 7, 0, slotOf);
  assert.deepEqual([f.count, f.unsampled], [3, 8]);
  f.add([send(2, 1, [{ member: 'm', status: 'failed', incarnation: 0 }])], 0, 1, slotOf);
  assert.equal(f.count, 3);
  assert.deepEqual([...f.tone], [TONE.fail, TONE.plain, TONE.plain]);
  f.add([send(2, 1, [{ member: 'm', status: 'failed', incarnation: 0 }])], 0, 1, slotOf);
  f.add([send(2, 1, [{ member: 'm', status: 'failed', incarnation: 0 }])], 0, 1, slotOf);
  f.add([send(2, 1, [{ member: 'm', status: 'failed', incarnation: 0 }])], 0, 1, slotOf);
  assert.equal(f.count, 3);
  assert.equal(f.unsampled, 12, 'news beyond capacity with no plain packet to displace is left out too');
});
