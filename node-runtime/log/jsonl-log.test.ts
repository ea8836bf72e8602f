import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { MembershipEvent } from '../protocol/events.ts';
import { JsonlLog, logFileName } from './jsonl-log.ts';
import { parseLog, readLog } from './read-log.ts';
import { waitFor } from '../node/testing/wait-for.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-log-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const ev = (event: MembershipEvent['event'], extra: Partial<MembershipEvent> = {}): MembershipEvent => ({
  ts: 1700000000000, node: '127.0.0.1:21010@1', event, member: '127.0.0.1:21011@2', ...extra,
});

describe('JsonlLog', () => {
  it('names the file after the address', () => {
    assert.equal(logFileName('127.0.0.1:3000'), '127.0.0.1_3000.jsonl');
    assert.equal(logFileName('[::1]:3000'), '__1_3000.jsonl');
  });

  it('writes one event per line, fields in schema order, and appends across opens', async () => {
    const sub = path.join(dir, 'a', 'b');
    const first = JsonlLog.open(sub, '127.0.0.1:21010');
    first.append(ev('join', { reason: 'gossip', incarnation: 0 }));
    first.append(ev('suspect', { incarnation: 3 }));
    await first.close();
    const second = JsonlLog.open(sub, '127.0.0.1:21010');
    second.append(ev('fail'));
    await second.close();
    const lines = fs.readFileSync(second.path, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[0], '{"ts":1700000000000,"node":"127.0.0.1:21010@1","event":"join","member":"127.0.0.1:21011@2","incarnation":0,"reason":"gossip"}');
    assert.deepEqual(readLog(second.path).events.map((e) => e.event), ['join', 'suspect', 'fail']);
  });

  it('writes the lines of one turn together, in order, without waiting for close', async () => {
    const log = JsonlLog.open(dir, '127.0.0.1:21014');
    for (let i = 0; i < 1000; i++) log.append(ev('join', { incarnation: i }));
    assert.equal(fs.readFileSync(log.path, 'utf8'), '', 'nothing written within the turn');
    await waitFor(() => fs.readFileSync(log.path, 'utf8').split('\n').length === 1001, { timeoutMs: 3000, what: 'the lines on disk' });
    assert.deepEqual(readLog(log.path).events.map((e) => e.incarnation), Array.from({ length: 1000 }, (_, i) => i));
    await log.close();
  });

  it('ignores appends after close', async () => {
    const log = JsonlLog.open(dir, '127.0.0.1:21012');
    await log.close();
    log.append(ev('join'));
    assert.equal(fs.readFileSync(log.path, 'utf8'), '');
  });

  it('fails at open, not later, when the directory cannot be created', () => {
    const file = path.join(dir, 'plain-file');
    fs.writeFileSync(file, '');
    assert.throws(() => JsonlLog.open(path.join(file, 'sub'), '127.0.0.1:21013'));
  });
});

describe('parseLog', () => {
  it('skips and counts a torn last line and invalid records', () => {
    const good = JSON.stringify(ev('fail'));
    const text = `${good}\n{"ts":1,"node":"x","event":"explode","member":"y"}\n\n${good}\n{"ts":17000000`;
    const parsed = parseLog(text);
    assert.equal(parsed.events.length, 2);
    assert.equal(parsed.malformed, 2);
  });

  it('reads a missing file as empty', () => {
    assert.deepEqual(readLog(path.join(dir, 'missing.jsonl')), { events: [], malformed: 0 });
  });
});
