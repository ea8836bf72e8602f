import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addStatsdDatagram } from './serf-telemetry.ts';
import type { TelemetryBytes } from './serf-telemetry.ts';

const fresh = (): TelemetryBytes => ({ bytesIn: 0, bytesOut: 0, malformed: 0 });

test('memberlist byte counters from a real agent\'s statsd datagram: UDP in, UDP and TCP out; other metrics skipped', () => {
  const b = fresh();
  addStatsdDatagram('serf-agent.memberlist.msg.alive:1.000000|c\nserf-agent.memberlist.tcp.sent:212.000000|c\n'
    + 'serf-agent.memberlist.udp.sent:129.000000|c\nserf-agent.memberlist.gossip:0.243413|ms\n'
    + 'serf-agent.memberlist.udp.received:148.000000|c\nserf-agent.vm.runtime.alloc_bytes:1271840.000000|g\n', b);
  assert.deepEqual(b, { bytesIn: 148, bytesOut: 341, malformed: 0 });
});

test('hostile lines are counted and dropped, never added', () => {
  const b = fresh();
  for (const line of [
    'serf-agent.memberlist.udp.sent:-5|c', // negative
    'serf-agent.memberlist.udp.sent:1e300|c', // implausible
    'serf-agent.memberlist.udp.sent:NaN|c',
    'serf-agent.memberlist.udp.sent:12|g', // a byte counter that is not a counter
    'no colon here',
    'serf-agent.memberlist.udp.received:1|c|extra',
  ]) addStatsdDatagram(line, b);
  assert.deepEqual(b, { bytesIn: 0, bytesOut: 0, malformed: 6 });
});

test('any datagram: never throws, sums stay finite and non-negative', () => {
  fc.assert(fc.property(fc.string({ maxLength: 2000 }), (text) => {
    const b = fresh();
    addStatsdDatagram(text, b);
    return Number.isFinite(b.bytesIn) && Number.isFinite(b.bytesOut) && b.bytesIn >= 0 && b.bytesOut >= 0;
  }), { numRuns: 500 });
});
