import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRecording } from './recording-loader.ts';
import { describeProtocols, ProtocolHistory } from './protocol-history.ts';
import { textSource } from './test-sources.ts';

const A = '127.0.0.1:3000@1';
const B = '127.0.0.1:3001@2';
const line = (ts: number, node: string, event: string, member: string, reason?: string): string =>
  `{"ts":${ts},"node":"${node}","event":"${event}","member":"${member}"${reason === undefined ? '' : `,"reason":"${reason}"`}}\n`;

test('the protocol in force at each moment: each running observer\'s last protocol line', async () => {
  const r = await loadRecording([
    textSource('a.jsonl', line(1, A, 'start', A) + line(1, A, 'protocol', A, 'ping+suspect') + line(50, A, 'protocol', A, 'gossip+nosuspect')),
    textSource('b.jsonl', line(2, B, 'start', B) + line(2, B, 'protocol', B, 'ping+suspect') + line(60, B, 'protocol', B, 'gossip+nosuspect')
      + line(70, B, 'protocol', B, 'not-a-protocol')),
  ]);
  const h = new ProtocolHistory(r.columns, r.interner);
  const running = (): boolean => true;
  const at = (t: number): string => describeProtocols(h.at(t, r.interner.ids, running));
  assert.equal(at(0), '—');
  assert.equal(at(1), 'ping + suspicion');
  assert.equal(at(10), 'ping + suspicion');
  assert.equal(at(55), 'gossip (1) · ping + suspicion (1)', 'a switch still spreading');
  assert.equal(at(80), 'gossip', 'a garbled line changes nothing');
  assert.equal(describeProtocols(h.at(10, r.interner.ids, (id) => id === A)), 'ping + suspicion', 'stopped observers do not vote');
  assert.equal(new ProtocolHistory((await loadRecording([textSource('c.jsonl', line(1, A, 'start', A))])).columns, r.interner).empty, true);
});
