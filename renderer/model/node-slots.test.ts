import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSlots, sameAddresses, slotLabel } from './node-slots.ts';
import { MembershipState } from './membership-state.ts';

test('slots from events: one per address, newest version, port order', () => {
  const s = new MembershipState();
  s.applyAll([
    { ts: 1, node: '127.0.0.1:3010@5', event: 'start', member: '127.0.0.1:3010@5' },
    { ts: 1, node: '127.0.0.1:3002@1', event: 'start', member: '127.0.0.1:3002@1' },
    { ts: 2, node: '127.0.0.1:3002@1', event: 'join', member: '127.0.0.1:3002@9' },
  ]);
  const slots = buildSlots(s);
  assert.deepEqual(slots.map((x) => [x.address, x.id]), [['127.0.0.1:3002', '127.0.0.1:3002@9'], ['127.0.0.1:3010', '127.0.0.1:3010@5']]);
  assert.equal(slotLabel(slots[0]!), '3002·9');
});

test('slots from the host node list keep the host state, fall back to event ids', () => {
  const s = new MembershipState();
  s.apply({ ts: 1, node: '127.0.0.1:3001@7', event: 'start', member: '127.0.0.1:3001@7' });
  const slots = buildSlots(s, [
    { address: '127.0.0.1:3001', id: undefined, state: 'starting', managed: true },
    { address: '127.0.0.1:3000', id: '127.0.0.1:3000@1', state: 'killed', managed: true },
  ]);
  assert.deepEqual(slots.map((x) => [x.address, x.id, x.run]), [['127.0.0.1:3000', '127.0.0.1:3000@1', 'killed'], ['127.0.0.1:3001', '127.0.0.1:3001@7', 'starting']]);
  assert.equal(sameAddresses(slots, buildSlots(s, [...slots].reverse().map((x) => ({ address: x.address, id: 'other', state: 'killed', managed: true })))), true);
  assert.equal(sameAddresses(slots, slots.slice(1)), false);
});
