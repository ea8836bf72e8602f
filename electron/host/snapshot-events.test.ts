// A node's opening snapshot as events: folded, they give its list as it stands, its own incarnation included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotEvents } from './snapshot-events.ts';
import { ViewState } from '../../node-runtime/protocol/view-state.ts';

test('a snapshot folds to the list it came from, the observer\'s own incarnation included', () => {
  const self = '127.0.0.1:1@5';
  const members = [
    { id: self, status: 'alive', incarnation: 2 },
    { id: '127.0.0.1:2@5', status: 'suspect', incarnation: 1 },
    { id: '127.0.0.1:3@5', status: 'failed', incarnation: 0 },
    { id: '127.0.0.1:4@5', status: 'left', incarnation: 3 },
  ];
  const view = new ViewState(Date.now);
  view.apply({ type: 'events', events: snapshotEvents(self, members, 1000) });
  const snap = view.snapshot();
  const [list] = snap.lists;
  const folded = [];
  for (let i = 0; i < list!.entries.length; i += 4) folded.push([snap.ids[list!.entries[i]!], ['', 'alive', 'suspect', 'failed', 'left'][list!.entries[i + 1]!], list!.entries[i + 2]]);
  assert.equal(snap.ids[list!.observer], self);
  assert.equal(list!.running, true);
  assert.deepEqual(folded, members.map((m) => [m.id, m.status, m.incarnation]));
});
