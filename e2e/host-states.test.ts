// The truth audit's picture of the host (host-states.ts), fed what the host's ViewState sends: every state a delta
// passes through is known, not only the one it ends in — the round-four embedded audit failed on exactly that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ViewState } from '../node-runtime/protocol/view-state.ts';
import type { ClusterNode, HostMessage, MembershipEvent, ViewChange } from '../electron/host/api.ts';
import { HostStates } from './host-states.ts';

const A = '127.0.0.1:23702@100';
const B = '127.0.0.1:23703@100';
const C = '127.0.0.1:23700@200';
const A2 = '127.0.0.1:23702@300';

const node = (address: string, id: string): ClusterNode => ({ address, id, state: 'running', managed: true });
const ev = (n: string, event: MembershipEvent['event'], member: string): MembershipEvent => ({ ts: 1, node: n, event, member });

/** A host's view state and a HostStates following it from a snapshot. */
function follow(): { view: ViewState; states: HostStates; apply: (change: ViewChange) => HostMessage[] } {
  const view = new ViewState(Date.now);
  view.reset('session', 'embedded');
  const states = new HostStates(100);
  const apply = (change: ViewChange): HostMessage[] => view.apply(change).map((d) => ({ type: 'delta', ...d }));
  for (const m of apply({ type: 'nodes', nodes: [node('127.0.0.1:23702', A), node('127.0.0.1:23703', B)] })) states.receive(m, 0);
  states.receive({ type: 'snapshot', seq: view.seq, view: view.snapshot() }, 0);
  for (const m of apply({ type: 'events', events: [ev(A, 'start', A), ev(A, 'join', B), ev(B, 'start', B), ev(B, 'join', A)] })) {
    assert.equal(states.receive(m, 0), 'ok');
  }
  return { view, states, apply };
}

test('a state that lasted less than one delta is held: joins, then the observer reborn, in one delta', () => {
  const { states, apply } = follow();
  // A learns C, and 25 ms later is declared failed and restarts as A2: the host sends the lot as one delta.
  const [delta] = apply({ type: 'events', events: [ev(A, 'join', C), ev(A, 'stop', A), ev(A2, 'start', A2), ev(A2, 'join', B)] });
  const seq = (delta as { seq: number }).seq;
  assert.equal(states.receive(delta!, 0), 'ok');
  for (const m of apply({ type: 'nodes', nodes: [node('127.0.0.1:23702', A2)] })) states.receive(m, 0);
  // What `list_mem` on A answered between the join and the stop.
  assert.equal(states.holds(seq, `${A} ${C}`, 'alive'), true);
  assert.equal(states.holds(seq, `${A} ${B}`, 'alive'), true);
  assert.equal(states.holds(seq, `${A} *`, 'row'), true);
  // No seq ends in it: at the delta's end A lists no one; the seq before never listed C.
  assert.equal(states.rowsAt.get(seq)!.get(`${A} ${C}`), undefined);
  assert.equal(states.rowsAt.get(seq)!.get(`${A} *`), undefined);
  assert.equal(states.holds(seq - 1, `${A} ${C}`, 'alive'), false);
  // The end is held too; a status the stream never gave is not.
  assert.equal(states.holds(seq, `${A} ${C}`, undefined), true);
  assert.equal(states.holds(seq, `${A} ${C}`, 'suspect'), false);
  assert.equal(states.holds(seq + 1, `${A2} ${B}`, 'alive'), true);
});

test('a delta that does not follow asks for a snapshot, and nothing is taken until it comes', () => {
  const { view, states, apply } = follow();
  const [skipped] = apply({ type: 'events', events: [ev(A, 'suspect', B)] });
  const [next] = apply({ type: 'events', events: [ev(A, 'alive', B)] });
  const seq = (next as { seq: number }).seq;
  assert.equal(states.receive(next!, 0), 'resync');
  assert.equal(states.receive(skipped!, 0), 'ok');
  assert.equal(states.rowsAt.has(seq), false);
  states.receive({ type: 'snapshot', seq: view.seq, view: view.snapshot() }, 0);
  assert.equal(states.rowsAt.get(seq)!.get(`${A} ${B}`), 'alive');
});
