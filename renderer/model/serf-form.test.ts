import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSerfAttach, parseSerfLaunch } from './serf-form.ts';

test('Serf launch: 1..32 agents', () => {
  assert.deepEqual(parseSerfLaunch(' 5 '), { ok: true, value: { nodes: 5, mode: 'serf', suspicion: true, dropRate: 0 } });
  for (const bad of ['0', '33', '2.5', 'five', '']) assert.equal(parseSerfLaunch(bad).ok, false, bad);
});

test('Serf attach: addresses by comma or space, the port convention, the key only when given', () => {
  assert.deepEqual(parseSerfAttach('127.0.0.1:7373, 10.0.0.2:7373', '', ''), { ok: true, value: { addresses: ['127.0.0.1:7373', '10.0.0.2:7373'] } });
  assert.deepEqual(parseSerfAttach('127.0.0.1:7947', ' 1 ', 'k'), { ok: true, value: { addresses: ['127.0.0.1:7947'], rpcPortOffset: 1, authKey: 'k' } });
  assert.deepEqual(parseSerfAttach('', '', ''), { ok: false, error: "give an agent's RPC address, e.g. 127.0.0.1:7373", field: 'serf-rpc' });
  assert.equal(parseSerfAttach('localhost', '', '').ok, false);
  assert.deepEqual(parseSerfAttach('127.0.0.1:1', 'x', ''), { ok: false, error: 'RPC port offset: a whole number (RPC port − gossip port, e.g. 1)', field: 'serf-offset' });
  assert.equal(parseSerfAttach('127.0.0.1:1', '70000', '').ok, false);
});

test('telemetry addresses: one per RPC address at most, each host:port', () => {
  assert.deepEqual(parseSerfAttach('127.0.0.1:7373 127.0.0.1:7374', '', '', '127.0.0.1:8125'),
    { ok: true, value: { addresses: ['127.0.0.1:7373', '127.0.0.1:7374'], telemetry: ['127.0.0.1:8125'] } });
  assert.equal(parseSerfAttach('127.0.0.1:7373', '', '', 'x').ok, false);
  assert.equal(parseSerfAttach('127.0.0.1:7373', '', '', '127.0.0.1:1, 127.0.0.1:2').ok, false);
});
